// Funcdesk's HTTP adapter for a Lambda handler in a container (Knative, or any HTTP
// platform): serves $PORT, turns each request into a function URL event (payload format
// 2.0), calls the handler as Lambda would (async, or with a callback; CommonJS or ESM),
// and maps its answer back the way function URLs do: an object with statusCode is a
// response (headers, cookies, body, isBase64Encoded); anything else is the body of a 200
// application/json response. An error is a 502.
//
// Environment: _HANDLER (path/module.export), LAMBDA_TASK_ROOT (the code), PORT (8080),
// AWS_LAMBDA_FUNCTION_NAME / _VERSION / _MEMORY_SIZE and FUNCDESK_TIMEOUT_SECONDS for the
// context. Requests are served one at a time, as one Lambda execution environment does.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { pathToFileURL } = require('url');

const taskRoot = process.env.LAMBDA_TASK_ROOT || '/var/task';
const timeoutMs = Number(process.env.FUNCDESK_TIMEOUT_SECONDS || 3) * 1000;

function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try { return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module'; } catch { return false; }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

async function loadHandler() {
  const spec = process.env._HANDLER || 'index.handler';
  const slash = spec.lastIndexOf('/');
  const rest = spec.slice(slash + 1);
  const dot = rest.indexOf('.');
  const base = path.resolve(taskRoot, spec.slice(0, slash + 1), rest.slice(0, dot));
  const file = ['.js', '.mjs', '.cjs'].map((e) => base + e).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`Cannot find module '${base}'`);
  const mod = isEsm(file) ? await import(pathToFileURL(file).href) : require(file);
  let fn = mod;
  for (const part of rest.slice(dot + 1).split('.')) fn = fn == null ? undefined : fn[part];
  if (typeof fn !== 'function') throw new Error(`${spec} is undefined or not exported`);
  return fn;
}

function context(requestId) {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME || 'function';
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: requestId,
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'knative',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

function eventFor(req, body, requestId) {
  const [rawPath, rawQuery = ''] = req.url.split(/\?(.*)/s);
  const headers = {};
  let cookies;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const key = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (key === 'cookie') {
      cookies = (cookies || []).concat(value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  const params = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) params[k] = k in params ? `${params[k]},${v}` : v;
  const text = body.toString('utf8');
  const binary = !Buffer.from(text, 'utf8').equals(body);
  const host = headers.host || 'localhost';
  const now = new Date();
  const event = {
    version: '2.0', routeKey: '$default', rawPath, rawQueryString: rawQuery, headers,
    requestContext: {
      accountId: 'anonymous', apiId: host.split('.')[0], domainName: host, domainPrefix: host.split('.')[0],
      http: { method: req.method, path: rawPath, protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress, userAgent: headers['user-agent'] || '' },
      requestId, routeKey: '$default', stage: '$default', time: now.toUTCString(), timeEpoch: now.getTime(),
    },
    isBase64Encoded: binary,
  };
  if (cookies) event.cookies = cookies;
  if (Object.keys(params).length) event.queryStringParameters = params;
  if (body.length) event.body = binary ? body.toString('base64') : text;
  return event;
}

function responseFor(result) {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    return { status: 200, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(result ?? null)) };
  }
  const headers = Object.entries(result.headers || {}).map(([k, v]) => [k, String(v)]);
  for (const c of result.cookies || []) headers.push(['Set-Cookie', c]);
  if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
  let body = result.body;
  if (body !== null && typeof body === 'object') body = JSON.stringify(body);
  const data = result.isBase64Encoded ? Buffer.from(body || '', 'base64') : Buffer.from(body || '');
  return { status: Number(result.statusCode), headers, body: data };
}

function call(handler, event, ctx) {
  return new Promise((resolve, reject) => {
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    ctx.done = callback;
    ctx.succeed = (v) => resolve(v);
    ctx.fail = (e) => reject(e);
    const r = handler(event, ctx, callback);
    if (r && typeof r.then === 'function') r.then(resolve, reject);
  });
}

async function main() {
  const handler = await loadHandler();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const requestId = crypto.randomUUID();
      let out;
      try {
        out = responseFor(await call(handler, eventFor(req, Buffer.concat(chunks), requestId), context(requestId)));
      } catch (e) {
        console.error(e);
        out = { status: 502, headers: [['Content-Type', 'application/json']], body: Buffer.from('{"Message":"Internal Server Error"}') };
      }
      for (const [k, v] of out.headers) res.appendHeader ? res.appendHeader(k, v) : res.setHeader(k, v);
      res.setHeader('x-amzn-RequestId', requestId);
      res.setHeader('Content-Length', out.body.length);
      res.writeHead(out.status);
      res.end(out.body);
    });
  });
  const port = Number(process.env.PORT || 8080);
  server.listen(port, () => console.log(`listening on ${port}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
