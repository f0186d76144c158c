"""Response streaming against a Funcdesk API server, as clients see it. argv: endpoint url.
boto3's invoke_with_response_stream reads the AWS event stream (PayloadChunk events, then
InvokeComplete) chunk by chunk; a function URL in RESPONSE_STREAM mode answers with chunked
transfer encoding, its status and headers from the handler's HTTP prelude. Each chunk must
arrive while the handler is still running (it sleeps 400 ms between writes)."""
import http.client
import io
import json
import sys
import time
import urllib.parse
import zipfile

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
lam = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1',
                   aws_access_key_id='local', aws_secret_access_key='local',
                   config=Config(retries={'max_attempts': 1}, read_timeout=60))


def check(step, cond, detail=''):
    if not cond:
        print(f'FAILED {step}: {detail}')
        sys.exit(1)
    print(f'ok {step}')


def code(source):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('index.mjs', source)
    return buf.getvalue()


STREAMER = r'''
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  if (event.big) {
    const mb = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 21; ++i) responseStream.write(mb);
    responseStream.end();
    return;
  }
  const http = event.rawPath !== undefined;
  const stream = http ? awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201, headers: { 'content-type': 'text/plain', 'x-stream': 'yes' }, cookies: ['s=1'] }) : responseStream;
  for (let i = 1; i <= 3; ++i) {
    stream.write(`chunk ${i} ${Date.now()}\n`);
    if (i < 3) await sleep(400);
  }
  stream.end();
});
'''

lam.create_function(FunctionName='streamer', Runtime='nodejs22.x', Role='arn:aws:iam::000000000000:role/r',
                    Handler='index.handler', Code={'ZipFile': code(STREAMER)}, Timeout=30, MemorySize=256)

# InvokeWithResponseStream through the SDK's event-stream reader.
r = lam.invoke_with_response_stream(FunctionName='streamer', Payload=b'{}', LogType='Tail')
check('stream_status', r['StatusCode'] == 200 and r['ExecutedVersion'] == '$LATEST', r)
chunks, arrivals, complete = [], [], None
for event in r['EventStream']:
    if 'PayloadChunk' in event:
        chunks.append(event['PayloadChunk']['Payload'])
        arrivals.append(time.monotonic())
    elif 'InvokeComplete' in event:
        complete = event['InvokeComplete']
text = b''.join(chunks).decode()
check('stream_chunks', len(chunks) == 3 and text.count('chunk ') == 3, chunks)
check('stream_chunks_as_they_come', arrivals[2] - arrivals[0] >= 0.6, [round(a - arrivals[0], 3) for a in arrivals])
check('stream_complete', complete is not None and not complete.get('ErrorCode') and complete.get('LogResult'), complete)

# Over 20 MB: the stream is cut and InvokeComplete names the error.
r = lam.invoke_with_response_stream(FunctionName='streamer', Payload=json.dumps({'big': True}))
total, complete = 0, None
for event in r['EventStream']:
    if 'PayloadChunk' in event:
        total += len(event['PayloadChunk']['Payload'])
    elif 'InvokeComplete' in event:
        complete = event['InvokeComplete']
check('stream_limit', total <= 20 * 1024 * 1024 and complete and complete.get('ErrorCode') == 'Function.ResponseSizeTooLarge',
      (total, complete))

# A function URL in RESPONSE_STREAM mode: chunked, with the prelude's status and headers.
u = lam.create_function_url_config(FunctionName='streamer', AuthType='NONE', InvokeMode='RESPONSE_STREAM')
check('url_invoke_mode', u['InvokeMode'] == 'RESPONSE_STREAM', u)
check('url_config_mode', lam.get_function_url_config(FunctionName='streamer')['InvokeMode'] == 'RESPONSE_STREAM')
url = urllib.parse.urlsplit(u['FunctionUrl'])
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
conn.request('GET', url.path + 'hello?x=1')
resp = conn.getresponse()
check('url_status_from_prelude', resp.status == 201, resp.status)
check('url_headers_from_prelude', resp.getheader('x-stream') == 'yes' and resp.getheader('Set-Cookie') == 's=1'
      and resp.getheader('Content-Type') == 'text/plain', resp.getheaders())
check('url_chunked', resp.getheader('Transfer-Encoding') == 'chunked', resp.getheaders())
lines, arrivals = [], []
while True:
    line = resp.readline()
    if not line:
        break
    lines.append(line.decode())
    arrivals.append(time.monotonic())
check('url_body', len(lines) == 3 and all(l.startswith('chunk ') for l in lines), lines)
check('url_chunks_as_they_come', arrivals[2] - arrivals[0] >= 0.6, [round(a - arrivals[0], 3) for a in arrivals])

# Buffered Invoke of a streaming function gets the whole body.
r = lam.invoke(FunctionName='streamer', Payload=b'{}')
body = r['Payload'].read().decode()
check('buffered_invoke_of_streamer', body.count('chunk ') == 3 and 'FunctionError' not in r, body)
lam.delete_function(FunctionName='streamer')
print('ALL OK')
