"""Drives a Funcdesk API server with boto3, the way SDK users do. argv: endpoint url.
Prints one line per step; exits non-zero with the failing step on the first mismatch."""
import base64
import io
import json
import sys
import zipfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]


def _report(kind, value, tb):
    print(f'FAILED with {kind.__name__}: {value}')
    sys.exit(1)


sys.excepthook = _report
lam = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1',
                   aws_access_key_id='local', aws_secret_access_key='local',
                   config=Config(retries={'max_attempts': 1}))


def check(step, cond, detail=''):
    if not cond:
        print(f'FAILED {step}: {detail}')
        sys.exit(1)
    print(f'ok {step}')


def code(body):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('app.py', body)
    return buf.getvalue()


HANDLER = "import json\ndef handler(event, context):\n    if event.get('fail'):\n        raise KeyError('nope')\n    print('hello from sdk')\n    return {'got': event, 'v': context.function_version}\n"

r = lam.create_function(FunctionName='sdkfn', Runtime='python3.12', Role='arn:aws:iam::000000000000:role/r',
                        Handler='app.handler', Code={'ZipFile': code(HANDLER)}, Timeout=5, MemorySize=256,
                        Environment={'Variables': {'KEY': 'V'}})
check('create_function', r['FunctionName'] == 'sdkfn' and r['MemorySize'] == 256 and r['State'] == 'Active', r)

try:
    lam.create_function(FunctionName='sdkfn', Runtime='python3.12', Role='arn:aws:iam::000000000000:role/r',
                        Handler='app.handler', Code={'ZipFile': code(HANDLER)})
    check('create_conflict', False, 'no error')
except lam.exceptions.ResourceConflictException as e:
    check('create_conflict', True)

r = lam.invoke(FunctionName='sdkfn', Payload=json.dumps({'a': 1}), LogType='Tail')
payload = json.loads(r['Payload'].read())
check('invoke', r['StatusCode'] == 200 and payload['got'] == {'a': 1}, payload)
check('invoke_log_tail', 'hello from sdk' in base64.b64decode(r['LogResult']).decode(), r.get('LogResult'))
check('invoke_executed_version', r['ExecutedVersion'] == '$LATEST', r)

r = lam.invoke(FunctionName='sdkfn', Payload=json.dumps({'fail': True}))
err = json.loads(r['Payload'].read())
check('invoke_function_error', r.get('FunctionError') == 'Unhandled' and err['errorType'] == 'KeyError', (r, err))

r = lam.invoke(FunctionName='sdkfn', InvocationType='Event', Payload=b'{}')
check('invoke_event', r['StatusCode'] == 202, r)
r = lam.invoke(FunctionName='sdkfn', InvocationType='DryRun', Payload=b'{}')
check('invoke_dry_run', r['StatusCode'] == 204, r)

try:
    lam.invoke(FunctionName='missing', Payload=b'{}')
    check('invoke_missing', False, 'no error')
except lam.exceptions.ResourceNotFoundException as e:
    check('invoke_missing', 'Function not found' in str(e), str(e))

try:
    lam.invoke(FunctionName='sdkfn', Payload=b'{not json')
    check('invoke_bad_json', False, 'no error')
except lam.exceptions.InvalidRequestContentException:
    check('invoke_bad_json', True)

r = lam.get_function(FunctionName='sdkfn')
check('get_function', r['Configuration']['Environment']['Variables'] == {'KEY': 'V'}, r['Configuration'])
r = lam.get_function_configuration(FunctionName='arn:aws:lambda:us-east-1:000000000000:function:sdkfn')
check('get_configuration_by_arn', r['Handler'] == 'app.handler', r)

r = lam.update_function_configuration(FunctionName='sdkfn', Timeout=9)
check('update_configuration', r['Timeout'] == 9, r)
r = lam.update_function_code(FunctionName='sdkfn', ZipFile=code(HANDLER.replace('got', 'got2')))
check('update_code', r['FunctionName'] == 'sdkfn', r)
payload = json.loads(lam.invoke(FunctionName='sdkfn', Payload=b'{}')['Payload'].read())
check('invoke_new_code', 'got2' in payload, payload)

v = lam.publish_version(FunctionName='sdkfn', Description='first')
check('publish_version', v['Version'] == '1', v)
r = lam.list_versions_by_function(FunctionName='sdkfn')
check('list_versions', [x['Version'] for x in r['Versions']] == ['$LATEST', '1'], r['Versions'])

a = lam.create_alias(FunctionName='sdkfn', Name='live', FunctionVersion='1')
check('create_alias', a['AliasArn'].endswith(':sdkfn:live'), a)
r = lam.invoke(FunctionName='sdkfn', Qualifier='live', Payload=b'{}')
check('invoke_alias', r['ExecutedVersion'] == '1', r)
r = lam.update_alias(FunctionName='sdkfn', Name='live', Description='canary', RoutingConfig={'AdditionalVersionWeights': {}})
check('update_alias', r['Description'] == 'canary', r)
r = lam.list_aliases(FunctionName='sdkfn')
check('list_aliases', [x['Name'] for x in r['Aliases']] == ['live'], r)

r = lam.put_function_concurrency(FunctionName='sdkfn', ReservedConcurrentExecutions=0)
check('put_concurrency', r['ReservedConcurrentExecutions'] == 0, r)
try:
    lam.invoke(FunctionName='sdkfn', Payload=b'{}')
    check('throttled', False, 'no error')
except lam.exceptions.TooManyRequestsException as e:
    check('throttled', e.response['Reason'] == 'ReservedFunctionConcurrentInvocationLimitExceeded', e.response)
lam.delete_function_concurrency(FunctionName='sdkfn')

r = lam.put_function_event_invoke_config(FunctionName='sdkfn', MaximumRetryAttempts=1)
check('event_invoke_config', r['MaximumRetryAttempts'] == 1, r)

names = [f['FunctionName'] for f in lam.get_paginator('list_functions').paginate(PaginationConfig={'PageSize': 1}).build_full_result()['Functions']]
check('list_functions_paginated', 'sdkfn' in names, names)

import urllib.request
import urllib.error
try:
    urllib.request.urlopen(endpoint + '/url/sdkfn/x')
    check('url_forbidden_before_config', False, 'answered')
except urllib.error.HTTPError as e:
    check('url_forbidden_before_config', e.code == 403, e.code)
u = lam.create_function_url_config(FunctionName='sdkfn', AuthType='NONE')
check('create_function_url_config', u['FunctionUrl'].endswith('/url/sdkfn/'), u)
body = json.loads(urllib.request.urlopen(u['FunctionUrl'] + 'hello?q=1').read())
check('function_url_invoke', body['got2']['rawPath'] == '/hello' and body['got2']['queryStringParameters'] == {'q': '1'}, body)
check('get_function_url_config', lam.get_function_url_config(FunctionName='sdkfn')['AuthType'] == 'NONE')
try:
    lam.create_function_url_config(FunctionName='sdkfn', AuthType='NONE')
    check('create_function_url_conflict', False, 'no error')
except lam.exceptions.ResourceConflictException:
    check('create_function_url_conflict', True)
lam.delete_function_url_config(FunctionName='sdkfn')
try:
    lam.get_function_url_config(FunctionName='sdkfn')
    check('function_url_deleted', False, 'still there')
except lam.exceptions.ResourceNotFoundException:
    check('function_url_deleted', True)

lam.delete_function(FunctionName='sdkfn')
try:
    lam.get_function(FunctionName='sdkfn')
    check('deleted', False, 'still there')
except lam.exceptions.ResourceNotFoundException:
    check('deleted', True)
print('ALL OK')
