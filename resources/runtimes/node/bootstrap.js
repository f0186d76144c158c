// Funcdesk nodejs runtime shim: loads a Lambda handler and serves invocations.
//
// Protocol with the engine (core/engine/pipechannel.h has the authoritative copy):
//   frames on fd 3 (engine -> runtime) and fd 4 (runtime -> engine), each
//     u32 little-endian N | N bytes: a type byte, then the body
//   engine -> runtime
//     'I' requestId \n deadlineMs \n invokedFunctionArn \n traceId \n clientContext \n payload
//   runtime -> engine
//     'R'                                   init finished
//     'E' errorType \n errorDocument        init failed (then wait for EOF on fd 3)
//     'S' requestId \n response             handler result (JSON)
//     'F' requestId \n errorType \n errorDocument
//     'T' requestId \n contentType             a streamed response begins (streamifyResponse)
//     'C' requestId \n bytes                   one chunk of it, as the handler wrote it
//     'D' requestId                            it ended: the request succeeded
//   stdout and stderr are the environment's log. console.* writes synchronously (fd 1/2),
//   so each request's output is in the log pipe before its answer. EOF on fd 3: exit.
//
// Between invocations the shim blocks in a synchronous read of fd 3, which freezes the
// event loop as Lambda freezes an idle environment (timers left behind by a handler run
// during the next invocation), and keeps the streams/net modules out of the cold start.
//
// Handlers load as on Lambda: "<path>/<module>.<export>", the module found as .js, .mjs or
// .cjs in LAMBDA_TASK_ROOT; ESM (.mjs, or .js under "type": "module") through import(),
// CommonJS through require(). Async handlers and callback(err, result) handlers both work.
//
// When the answer goes out follows Lambda's Node.js runtime (aws-lambda-nodejs-runtime-
// interface-client, CallbackContext.js): only the first of callback/done/succeed/fail
// counts; callback(null, result) with context.callbackWaitsForEmptyEventLoop true (the
// default) answers once the event loop is empty, so timers and I/O the handler left behind
// run first, and the result is serialized then; with false it answers at once and whatever
// is pending stays frozen with the environment until the next invocation. Errors, done,
// succeed, fail and settled promises (async handlers) answer at once, whatever the flag.
// "Empty" is Node's own 'beforeExit', as on Lambda: the shim holds no libuv handle (its
// pipes are read and written synchronously, console writes to fds 1/2 directly), so the
// loop empties exactly when the handler's own work is done; a handle the handler keeps open
// (a server, a ref'd socket, setInterval) keeps it from emptying, and the invocation times
// out, as it does on Lambda.
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');

const IN_FD = 3;
const OUT_FD = 4;
let currentRequestId = undefined;

function writeAll(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

function send(kind, body) {
  const head = Buffer.allocUnsafe(5);
  head.writeUInt32LE(body.length + 1, 0);
  head[4] = kind.charCodeAt(0);
  writeAll(OUT_FD, Buffer.concat([head, body], body.length + 5));
}

// console.* as on Lambda: "<ISO time>\t<request id>\t<LEVEL>\t<message>", newlines inside a
// message become '\r' so that one call stays one log line.
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [name, level] of Object.entries(levels)) {
    const fd = name === 'error' || name === 'warn' ? 2 : 1;
    console[name] = (...args) => {
      let message = util.format(...args);
      if (name === 'trace') message += '\n' + new Error().stack.split('\n').slice(2).join('\n');
      const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message.replace(/\n/g, '\r')}\n`;
      writeAll(fd, Buffer.from(line));
    };
  }
}

function errorLines(err) {
  return typeof err?.stack === 'string' ? err.stack.split('\n') : [];
}

// {errorType, errorMessage, stackTrace} (Funcdesk's documents), plus `trace`, the name the
// Lambda Node.js runtime gives the same lines on the wire.
function errorDocument(err) {
  const doc = err instanceof Error || (err && typeof err === 'object' && 'message' in err)
    ? { errorType: err.name || 'Error', errorMessage: String(err.message), stackTrace: errorLines(err) }
    : { errorType: typeof err, errorMessage: String(err), stackTrace: [] };
  doc.trace = doc.stackTrace;
  return doc;
}

function failInit(errorType, errorMessage, stackTrace) {
  const doc = { errorType, errorMessage, stackTrace: stackTrace || [] };
  console.error(`${errorType}: ${errorMessage}`);
  send('E', Buffer.from(`${errorType}\n${JSON.stringify(doc)}`));
  while (readMore()); // wait for the engine to close fd 3
  process.exit(0);
}

// Frames from fd 3, read synchronously into one reused buffer.
let inBuf = Buffer.allocUnsafe(1 << 16);
let inStart = 0;
let inEnd = 0;

function readMore() {
  if (inEnd === inBuf.length) {
    const need = inEnd - inStart;
    if (inStart > 0 && need < inBuf.length / 2) {
      inBuf.copy(inBuf, 0, inStart, inEnd);
    } else {
      const bigger = Buffer.allocUnsafe(inBuf.length * 2);
      inBuf.copy(bigger, 0, inStart, inEnd);
      inBuf = bigger;
    }
    inStart = 0;
    inEnd = need;
  }
  for (;;) {
    try {
      const n = fs.readSync(IN_FD, inBuf, inEnd, inBuf.length - inEnd, null);
      inEnd += n;
      return n > 0;
    } catch (e) {
      if (e.code !== 'EAGAIN' && e.code !== 'EINTR') return false;
    }
  }
}

function readFrame() {
  for (;;) {
    if (inEnd - inStart >= 4) {
      const n = inBuf.readUInt32LE(inStart);
      if (inEnd - inStart >= 4 + n) {
        const frame = Buffer.from(inBuf.subarray(inStart + 4, inStart + 4 + n));
        inStart += 4 + n;
        if (inStart === inEnd) inStart = inEnd = 0;
        return frame;
      }
      if (4 + n > inBuf.length) {
        const bigger = Buffer.allocUnsafe(4 + n);
        inBuf.copy(bigger, 0, inStart, inEnd);
        inEnd -= inStart;
        inStart = 0;
        inBuf = bigger;
      }
    }
    if (!readMore()) return null;
  }
}

function isEsmJs(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

async function loadHandler(taskRoot, handlerString) {
  const slash = handlerString.lastIndexOf('/');
  const dir = handlerString.slice(0, slash + 1);
  const rest = handlerString.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot < 0) return failInit('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  const moduleName = rest.slice(0, dot);
  const handlerPath = rest.slice(dot + 1);
  const base = path.resolve(taskRoot, dir, moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    return failInit('Runtime.ImportModuleError',
      `Error: Cannot find module '${dir}${moduleName}'\nRequire stack:\n- ${__filename}`);
  }
  let mod;
  try {
    const esm = file.endsWith('.mjs') || (file.endsWith('.js') && isEsmJs(file));
    mod = esm ? await import(require('url').pathToFileURL(file).href) : require(file);
  } catch (e) {
    if (e instanceof SyntaxError) return failInit('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, errorLines(e));
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      return failInit('Runtime.ImportModuleError', `Error: ${e.message}`, errorLines(e));
    }
    const doc = errorDocument(e);
    return failInit(doc.errorType, doc.errorMessage, doc.stackTrace);
  }
  let handler = mod;
  for (const part of handlerPath.split('.')) handler = handler == null ? undefined : handler[part];
  if (typeof handler !== 'function') {
    return failInit('Runtime.HandlerNotFound', `${moduleName}.${handlerPath} is undefined or not exported`);
  }
  return handler;
}

// Response streaming, as Lambda's Node.js runtime offers it: awslambda.streamifyResponse()
// marks a handler (event, responseStream, context); each write goes to the engine as a
// chunk at once. HttpResponseStream.from() puts the HTTP prelude (JSON status, headers and
// cookies, then 8 NUL bytes) before the first chunk, under Lambda's content type for it.
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_PRELUDE_TYPE = 'application/vnd.awslambda.http-integration-response';
globalThis.awslambda = {
  streamifyResponse(handler) {
    handler[STREAMING] = 'response';
    return handler;
  },
  HttpResponseStream: class HttpResponseStream {
    static from(stream, prelude) {
      stream.setContentType(HTTP_PRELUDE_TYPE);
      const json = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(json);
        write(new Uint8Array(8));
      };
      return stream;
    }
  },
};

function toBuffer(chunk, encoding) {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding && encoding !== 'buffer' ? encoding : 'utf8');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

// The stream module is loaded on the first streamed response only (cold starts stay light).
function makeResponseStream(requestId, ended) {
  const { Writable } = require('stream');
  const head = Buffer.from(requestId + '\n');
  let contentType = 'application/octet-stream';
  let started = false;
  const chunk = (data, encoding) => {
    const b = toBuffer(data, encoding);
    if (b.length) send('C', Buffer.concat([head, b], head.length + b.length));
  };
  let stream = null;
  const start = () => {
    if (started) return;
    started = true;
    send('T', Buffer.from(`${requestId}\n${contentType}`));
    const before = stream._onBeforeFirstWrite;
    stream._onBeforeFirstWrite = null;
    if (before) before((data) => chunk(data));
  };
  stream = new Writable({
    write(data, encoding, cb) {
      start();
      chunk(data, encoding);
      cb();
    },
    final(cb) {
      start();
      ended();
      cb();
    },
  });
  stream.setContentType = (type) => {
    if (started) throw new Error('Tried to set the content type after the stream started');
    contentType = String(type);
  };
  return stream;
}

function invokeStreaming(handler, requestId, event, context, next) {
  let settled = false;
  const emptyLoop = () => {
    if (settled) return;
    settled = true;
    const e = new Error(`RequestId: ${requestId} Error: Runtime exited without providing a reason`);
    e.name = 'Runtime.NodeJsExit';
    const doc = errorDocument(e);
    send('F', Buffer.from(`${requestId}\n${doc.errorType}\n${JSON.stringify(doc)}`));
    process.exit(0);
  };
  const done = (err) => {
    if (settled) return;
    settled = true;
    process.removeListener('beforeExit', emptyLoop);
    if (err !== null && err !== undefined) {
      const doc = errorDocument(err);
      console.error('Invoke Error \t' + JSON.stringify(doc));
      send('F', Buffer.from(`${requestId}\n${doc.errorType}\n${JSON.stringify(doc)}`));
    } else {
      send('D', Buffer.from(requestId));
    }
    setImmediate(next);
  };
  process.on('beforeExit', emptyLoop);
  const stream = makeResponseStream(requestId, () => done(null));
  stream.on('error', (e) => done(e));
  try {
    const r = handler(event, stream, context);
    if (r && typeof r.then === 'function') {
      // A handler that settles without ending its stream ends it, as on Lambda.
      r.then(() => { if (!stream.writableEnded) stream.end(); }, (e) => done(e ?? new Error('rejected')));
    }
  } catch (e) {
    done(e);
  }
}

function makeContext(requestId, deadlineMs, arn, clientContext) {
  const env = process.env;
  return {
    awsRequestId: requestId,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: arn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    clientContext,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(deadlineMs - Date.now(), 0),
    done: undefined,
    succeed: undefined,
    fail: undefined,
  };
}

function invoke(handler, frame, next) {
  const fields = [];
  let pos = 1;
  for (let i = 0; i < 5; ++i) {
    const nl = frame.indexOf(10, pos);
    fields.push(frame.toString('utf8', pos, nl));
    pos = nl + 1;
  }
  const [requestId, deadline, arn, trace, cc] = fields;
  currentRequestId = requestId;
  if (trace) process.env._X_AMZN_TRACE_ID = trace; // see keepTraceIdInJs
  if (handler[STREAMING] === 'response') {
    let event;
    let context;
    try {
      event = JSON.parse(frame.toString('utf8', pos));
      context = makeContext(requestId, Number(deadline), arn, cc ? JSON.parse(cc) : undefined);
    } catch (e) {
      const doc = errorDocument(e);
      send('F', Buffer.from(`${requestId}\n${doc.errorType}\n${JSON.stringify(doc)}`));
      setImmediate(next);
      return;
    }
    return invokeStreaming(handler, requestId, event, context, next);
  }
  let settled = false;
  // What to do once the event loop is empty (Lambda's BeforeExitListener: one slot).
  let onEmptyLoop = null;
  const emptyLoop = () => {
    const act = onEmptyLoop;
    onEmptyLoop = null;
    if (act) act();
  };
  const finish = (err, result) => {
    if (settled) return;
    settled = true;
    onEmptyLoop = null;
    process.removeListener('beforeExit', emptyLoop);
    answer(err, result);
    setImmediate(next);
  };
  // As on Lambda: a handler whose promise never settles once the event loop is empty
  // ends the runtime (Runtime.NodeJsExit) instead of hanging until the timeout.
  onEmptyLoop = () => {
    const e = new Error(`RequestId: ${requestId} Error: Runtime exited without providing a reason`);
    e.name = 'Runtime.NodeJsExit';
    settled = true;
    answer(e);
    process.exit(0);
  };
  process.on('beforeExit', emptyLoop);
  const answer = (err, result) => {
    if (err !== null && err !== undefined) {
      const doc = errorDocument(err);
      console.error('Invoke Error \t' + JSON.stringify(doc));
      send('F', Buffer.from(`${requestId}\n${doc.errorType}\n${JSON.stringify(doc)}`));
      return;
    }
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      const doc = { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${e.message}`, stackTrace: [] };
      send('F', Buffer.from(`${requestId}\nRuntime.MarshalError\n${JSON.stringify(doc)}`));
      return;
    }
    send('S', Buffer.concat([Buffer.from(requestId + '\n'), Buffer.from(body)]));
  };
  let called = false; // only the first call of callback, done, succeed or fail counts
  const first = (fn) => (...args) => {
    if (called) return;
    called = true;
    fn(...args);
  };
  let context = null;
  const callback = first((err, result) => {
    if (err !== null && err !== undefined) return finish(err);
    if (!context.callbackWaitsForEmptyEventLoop) return finish(null, result);
    onEmptyLoop = () => setImmediate(() => finish(null, result));
  });
  try {
    const event = JSON.parse(frame.toString('utf8', pos));
    context = makeContext(requestId, Number(deadline), arn, cc ? JSON.parse(cc) : undefined);
    context.done = first((e, r) => finish(e, r));
    context.succeed = first((r) => finish(null, r));
    context.fail = first((e) => finish(e ?? new Error('handled')));
    const r = handler(event, context, callback);
    if (r && typeof r.then === 'function') {
      r.then((v) => context.succeed(v), (e) => context.fail(e ?? new Error('rejected')));
    }
  } catch (e) {
    callback(e); // ignored, as on Lambda, when the handler already answered
  }
}

// process.env._X_AMZN_TRACE_ID is set per request, as Lambda's runtime sets it. Through
// the real process.env every set is a setenv(), and glibc keeps every distinct NAME=value
// string it was ever given (its "known values" tree): ~160 bytes an invocation, 158 MB
// after 1 M warm invocations, enough for a 128 MB function to be killed for memory it
// never used, and each lookup slower than the last. So that one variable lives in
// JavaScript: process.env becomes a Proxy of the real one that keeps it aside. Code,
// spreads, Object.keys and child processes (which build their environment from
// process.env) all see it; only native getenv() does not.
function keepTraceIdInJs() {
  const KEY = '_X_AMZN_TRACE_ID';
  const real = process.env;
  let trace = real[KEY];
  process.env = new Proxy(real, {
    get: (t, k) => (k === KEY ? trace : Reflect.get(t, k)),
    set: (t, k, v) => {
      if (k !== KEY) return Reflect.set(t, k, v);
      trace = String(v);
      return true;
    },
    has: (t, k) => (k === KEY ? trace !== undefined : Reflect.has(t, k)),
    deleteProperty: (t, k) => {
      if (k !== KEY) return Reflect.deleteProperty(t, k);
      trace = undefined;
      return true;
    },
    ownKeys: (t) => {
      const keys = Reflect.ownKeys(t).filter((k) => k !== KEY);
      if (trace !== undefined) keys.push(KEY);
      return keys;
    },
    getOwnPropertyDescriptor: (t, k) => {
      if (k !== KEY) return Reflect.getOwnPropertyDescriptor(t, k);
      return trace === undefined ? undefined : { value: trace, writable: true, enumerable: true, configurable: true };
    },
    defineProperty: (t, k, d) => {
      if (k !== KEY) return Reflect.defineProperty(t, k, d);
      trace = String(d.value);
      return true;
    },
  });
}

async function main() {
  patchConsole();
  keepTraceIdInJs();
  const handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER || '');
  send('R', Buffer.alloc(0));
  const serveNext = () => {
    for (;;) {
      const frame = readFrame();
      if (!frame) process.exit(0);
      if (frame[0] === 0x49 /* 'I' */) return invoke(handler, frame, serveNext);
    }
  };
  serveNext();
}

main();
