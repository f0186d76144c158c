# Funcdesk python3 runtime shim: loads a Lambda handler and serves invocations.
#
# Protocol with the engine (core/engine/pipechannel.h has the authoritative copy):
#   frames on fd 3 (engine -> runtime) and fd 4 (runtime -> engine), each
#     u32 little-endian N | N bytes: a type byte, then the body
#   engine -> runtime
#     b'I' requestId \n deadlineMs \n invokedFunctionArn \n traceId \n clientContext \n payload
#   runtime -> engine
#     b'R'                                   init finished
#     b'E' errorType \n errorDocument        init failed (then wait for EOF on fd 3)
#     b'S' requestId \n response             handler result (JSON)
#     b'F' requestId \n errorType \n errorDocument
#   stdout and stderr are the environment's log; both are flushed before every answer so
#   that each request's output is attributed to it. EOF on fd 3: exit.
#
# Handlers load as on Lambda: "<module path>.<function>", module path relative to
# LAMBDA_TASK_ROOT (dots or slashes for sub-packages), sys.path[0] = LAMBDA_TASK_ROOT.

import json
import os
import sys
import time

IN_FD = 3
OUT_FD = 4


def send(kind, body):
    data = (len(body) + 1).to_bytes(4, 'little') + kind + body
    view = memoryview(data)
    while view:
        n = os.write(OUT_FD, view)
        view = view[n:]


class FrameReader:
    # A buffered reader fills one preallocated buffer per read(2), where os.read(fd, 1 MB)
    # allocated (and the C library mapped and unmapped) a megabyte for every message.
    __slots__ = ('file',)

    def __init__(self):
        self.file = None

    def read(self):
        try:
            if self.file is None:
                self.file = open(IN_FD, 'rb', buffering=1 << 16, closefd=False)
            head = self.file.read(4)
            if len(head) < 4:
                return None
            need = int.from_bytes(head, 'little')
            frame = self.file.read(need)
            return frame if len(frame) == need else None
        except OSError:
            return None  # the engine closed or never gave us fd 3: nothing more to serve


def fast_json():
    """(loads, dumps) as json.loads(bytes) and json.dumps(obj).encode(), without their
    Python-level wrappers: json's own C scanner and encoder, called directly (about 1.7 us
    less per invocation). Anything the fast path does not take as it is (whitespace around
    the payload, an error of any kind) goes through json itself, so results and error
    messages are json's. Plain json where the C accelerators are missing or differ."""
    plain = (json.loads, lambda obj: json.dumps(obj).encode())
    try:
        from json import decoder, encoder, scanner
        scan = scanner.c_make_scanner(decoder.JSONDecoder())

        def make_encoder():
            return encoder.c_make_encoder({}, encoder.JSONEncoder().default, encoder.encode_basestring_ascii,
                                          None, ': ', ', ', False, False, True)
        enc = [make_encoder()]
    except Exception:
        return plain
    if scan is None or enc[0] is None:
        return plain

    def loads(data):
        try:
            text = data.decode()
            obj, end = scan(text, 0)
            if end == len(text):
                return obj
        except Exception:
            pass
        return json.loads(data)

    def dumps(obj):
        try:
            return ''.join(enc[0](obj, 0)).encode()
        except Exception:
            # A failed attempt can leave its containers in the encoder's circular-reference
            # markers, where a later object at the same address would be taken for a cycle.
            enc[0] = make_encoder()
            return json.dumps(obj).encode()

    sample = {'a': [1, 2.5, None, True, '\u00e9\n"'], 'b': {}, 'c': 'x'}
    try:
        if dumps(sample) != json.dumps(sample).encode() or loads(dumps(sample)) != sample:
            return plain
    except Exception:
        return plain
    return loads, dumps


def flush_logs():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass


def error_doc(error_type, message, stack=None, request_id=None):
    doc = {'errorMessage': message, 'errorType': error_type}
    if request_id:
        doc['requestId'] = request_id
    doc['stackTrace'] = stack if stack is not None else []
    return json.dumps(doc).encode()


def fail_init(error_type, message, stack=None):
    print('[ERROR] %s: %s' % (error_type, message))
    flush_logs()
    send(b'E', error_type.encode() + b'\n' + error_doc(error_type, message, stack))
    while os.read(IN_FD, 1 << 16):
        pass
    os._exit(0)


class CognitoIdentity:
    # As Lambda's Python runtime has it: attributes, None when the caller sent no identity.
    __slots__ = ('cognito_identity_id', 'cognito_identity_pool_id')

    def __init__(self, doc=None):
        doc = doc if isinstance(doc, dict) else {}
        self.cognito_identity_id = doc.get('cognitoIdentityId')
        self.cognito_identity_pool_id = doc.get('cognitoIdentityPoolId')


class Client:
    __slots__ = ('installation_id', 'app_title', 'app_version_name', 'app_version_code', 'app_package_name')

    def __init__(self, doc):
        for name in Client.__slots__:
            setattr(self, name, doc.get(name))


class ClientContext:
    # The X-Amz-Client-Context document as objects: .client (a Client or None), .custom, .env.
    __slots__ = ('custom', 'env', 'client')

    def __init__(self, doc):
        self.custom = doc.get('custom')
        self.env = doc.get('env')
        client = doc.get('client')
        self.client = Client(client) if isinstance(client, dict) else None


def client_context_from(doc):
    return ClientContext(doc) if isinstance(doc, dict) else None


class LambdaContext:
    __slots__ = ('aws_request_id', 'invoked_function_arn', 'client_context', 'identity', '_deadline_ms')

    # The same for every request of this environment: read from the environment once.
    function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME')
    function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION')
    memory_limit_in_mb = os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')
    log_group_name = os.environ.get('AWS_LAMBDA_LOG_GROUP_NAME')
    log_stream_name = os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME')

    def __init__(self, request_id, deadline_ms, arn, client_context):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.client_context = client_context
        self.identity = CognitoIdentity()
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)


CURRENT_REQUEST = {'id': None}
LOGGING_READY = False


def setup_logging():
    # As on Lambda: the root logger writes "[LEVEL]\t<time>\t<request id>\t<message>".
    global LOGGING_READY
    LOGGING_READY = True
    import logging

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = CURRENT_REQUEST['id']
            return True

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(
        '[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n', '%Y-%m-%dT%H:%M:%S'))
    handler.formatter.converter = time.gmtime
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def load_handler(task_root, handler_name):
    try:
        module_path, function_name = handler_name.rsplit('.', 1)
    except ValueError as e:
        fail_init('Runtime.MalformedHandlerName', "Bad handler '%s': %s" % (handler_name, e))
    module_name = module_path.replace('/', '.')
    import importlib
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        fail_init('Runtime.ImportModuleError', "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        stack = ['  File "%s" Line %s\n        %s\n' % (e.filename, e.lineno, (e.text or '').strip())]
        fail_init('Runtime.UserCodeSyntaxError', "Syntax error in module '%s': %s" % (module_name, e), stack)
    except Exception as e:
        import traceback
        stack = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
        fail_init(type(e).__name__, str(e), stack)
    handler = getattr(module, function_name, None)
    if handler is None or not callable(handler):
        fail_init('Runtime.HandlerNotFound', "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


def set_trace_id(trace_b):
    """os.environ['_X_AMZN_TRACE_ID'] = trace, as Lambda's runtime does, without setenv().

    glibc's setenv() keeps every distinct NAME=value string it was given for the life of
    the process (its "known values" tree), so a new trace id per request grows the
    environment by ~140 bytes an invocation: 1 M warm invocations, 137 MB, enough for a
    128 MB function to be killed for memory it never used, and every lookup slower. The
    mapping Python code reads (os.environ, os.getenv) is updated; the C-level environment
    keeps the first request's value.
    """
    data = os.environ._data
    key = os.environ.encodekey('_X_AMZN_TRACE_ID')
    if key not in data:
        os.environ['_X_AMZN_TRACE_ID'] = trace_b.decode()  # the first one through setenv()
    else:
        data[key] = os.environ.encodevalue(trace_b.decode())


def wait_for_debugger(port):
    # A debug environment (engine/debugsession.h): debugpy listens on loopback and the
    # handler is loaded once a debugger is attached.
    try:
        import debugpy
    except ImportError:
        fail_init('Runtime.DebuggerUnavailable',
                  'Debugging a python3 function needs the package debugpy for %s: %s -m pip install debugpy'
                  % (sys.executable, sys.executable))
    debugpy.listen(('127.0.0.1', int(port)))
    debugpy.wait_for_client()


def main():
    task_root = os.environ.get('LAMBDA_TASK_ROOT', os.getcwd())
    debug_port = os.environ.pop('_FUNCDESK_DEBUG_PORT', None)
    if debug_port:
        wait_for_debugger(debug_port)
    sys.path[0] = task_root  # the code dir first, the shim's own folder not at all
    try:
        sys.stdout.reconfigure(line_buffering=True)
    except Exception:
        pass
    handler = load_handler(task_root, os.environ.get('_HANDLER', ''))
    if 'logging' in sys.modules:
        setup_logging()
    flush_logs()
    send(b'R', b'')

    reader = FrameReader()
    loads, dumps = fast_json()
    while True:
        frame = reader.read()
        if frame is None:
            return
        if frame[:1] != b'I':
            continue
        rid_b, deadline_b, arn_b, trace_b, cc_b, payload = frame[1:].split(b'\n', 5)
        rid = rid_b.decode()
        CURRENT_REQUEST['id'] = rid
        if trace_b:
            set_trace_id(trace_b)
        if not LOGGING_READY and 'logging' in sys.modules:
            setup_logging()
        try:
            client_context = client_context_from(loads(cc_b)) if cc_b else None
            event = loads(payload)
            context = LambdaContext(rid, int(deadline_b), arn_b.decode(), client_context)
            result = handler(event, context)
        except Exception as e:
            import traceback
            etype = type(e).__name__
            stack = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
            print('[ERROR] %s: %s\nTraceback (most recent call last):\n%s' % (etype, e, ''.join(stack).rstrip('\n')))
            flush_logs()
            send(b'F', rid_b + b'\n' + etype.encode() + b'\n' + error_doc(etype, str(e), stack, rid))
            continue
        try:
            body = dumps(result)
        except Exception as e:
            flush_logs()
            message = 'Unable to marshal response: %s' % e
            send(b'F', rid_b + b'\nRuntime.MarshalError\n' + error_doc('Runtime.MarshalError', message, [], rid))
            continue
        flush_logs()
        send(b'S', rid_b + b'\n' + body)


if __name__ == '__main__':
    main()
