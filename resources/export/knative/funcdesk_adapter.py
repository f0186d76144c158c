# Funcdesk's HTTP adapter for a Lambda handler in a container (Knative, or any HTTP
# platform): serves $PORT, turns each request into a function URL event (payload format
# 2.0), calls the handler as Lambda would, and maps its answer back the way function URLs
# do: a dict with statusCode is a response (headers, cookies, body, isBase64Encoded);
# anything else is the body of a 200 application/json response. An exception is a 502.
#
# Environment: _HANDLER (module.function), LAMBDA_TASK_ROOT (the code), PORT (8080),
# AWS_LAMBDA_FUNCTION_NAME / _VERSION / _MEMORY_SIZE and FUNCDESK_TIMEOUT_SECONDS for the
# context. Requests are served one at a time, as one Lambda execution environment does.
import base64
import importlib
import json
import os
import sys
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

TASK_ROOT = os.environ.get('LAMBDA_TASK_ROOT', '/var/task')
TIMEOUT_MS = int(os.environ.get('FUNCDESK_TIMEOUT_SECONDS', '3')) * 1000


class Context:
    function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME', 'function')
    function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST')
    memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '128')
    log_group_name = '/aws/lambda/' + function_name
    log_stream_name = 'knative'
    invoked_function_arn = 'arn:aws:lambda:us-east-1:000000000000:function:' + function_name
    client_context = None
    identity = None

    def __init__(self, request_id):
        self.aws_request_id = request_id
        self._deadline = time.time() * 1000 + TIMEOUT_MS

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline - time.time() * 1000), 0)


def load_handler():
    module_path, name = os.environ['_HANDLER'].rsplit('.', 1)
    sys.path.insert(0, TASK_ROOT)
    return getattr(importlib.import_module(module_path.replace('/', '.')), name)


HANDLER = load_handler()


def event_for(req, body, request_id):
    path, _, query = req.path.partition('?')
    headers = {}
    cookies = []
    for name, value in req.headers.items():
        key = name.lower()
        if key == 'cookie':
            cookies.extend(c.strip() for c in value.split(';') if c.strip())
            continue
        headers[key] = headers[key] + ',' + value if key in headers else value
    params = {}
    for k, v in parse_qsl(query, keep_blank_values=True):
        params[k] = params[k] + ',' + v if k in params else v
    try:
        text, encoded = body.decode('utf-8'), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    now = time.time()
    host = headers.get('host', 'localhost')
    event = {
        'version': '2.0', 'routeKey': '$default', 'rawPath': path, 'rawQueryString': query,
        'headers': headers,
        'requestContext': {
            'accountId': 'anonymous', 'apiId': host.split('.')[0], 'domainName': host,
            'domainPrefix': host.split('.')[0],
            'http': {'method': req.command, 'path': path, 'protocol': req.request_version,
                     'sourceIp': req.client_address[0], 'userAgent': headers.get('user-agent', '')},
            'requestId': request_id, 'routeKey': '$default', 'stage': '$default',
            'time': time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime(now)), 'timeEpoch': int(now * 1000),
        },
        'isBase64Encoded': encoded,
    }
    if cookies:
        event['cookies'] = cookies
    if params:
        event['queryStringParameters'] = params
    if body:
        event['body'] = text
    return event


def response_for(result):
    """(status, [(header, value)], body bytes), as a function URL maps a handler's answer."""
    if not isinstance(result, dict) or 'statusCode' not in result:
        return 200, [('Content-Type', 'application/json')], json.dumps(result).encode()
    headers = [(k, str(v)) for k, v in (result.get('headers') or {}).items()]
    headers += [('Set-Cookie', c) for c in result.get('cookies') or []]
    if not any(k.lower() == 'content-type' for k, _ in headers):
        headers.append(('Content-Type', 'application/json'))
    body = result.get('body')
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    data = (body or '').encode() if not isinstance(body, bytes) else body
    if result.get('isBase64Encoded'):
        data = base64.b64decode(data)
    return int(result['statusCode']), headers, data


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        request_id = str(uuid.uuid4())
        try:
            status, headers, data = response_for(HANDLER(event_for(self, body, request_id), Context(request_id)))
        except Exception as e:
            traceback.print_exc()
            status, headers, data = 502, [('Content-Type', 'application/json')], b'{"Message":"Internal Server Error"}'
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('x-amzn-RequestId', request_id)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = serve

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s\n' % (self.address_string(), fmt % args))


if __name__ == '__main__':
    port = int(os.environ.get('PORT', '8080'))
    server = HTTPServer(('', port), Handler)
    print('listening on %d' % port, flush=True)
    server.serve_forever()
