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

# GetFunction's Code.Location: a URL anyone holding it can GET (no credentials, as a
# presigned S3 URL), serving the asked version's deployment package.
lam.update_function_code(FunctionName='sdkfn', ZipFile=code(HANDLER.replace('got', 'got3')))
for qualifier, marker in (('1', "'got2'"), ('$LATEST', "'got3'")):
    loc = lam.get_function(FunctionName='sdkfn', Qualifier=qualifier)['Code']
    check('code_location_is_url_' + qualifier, loc['Location'].startswith('http://') and loc['RepositoryType'] == 'S3', loc)
    data = urllib.request.urlopen(loc['Location']).read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(z.namelist())
        app = z.read('app.py').decode()
    check('code_location_zip_' + qualifier, 'app.py' in names and marker in app, (names, app[:200]))
try:
    loc = lam.get_function(FunctionName='sdkfn')['Code']['Location']
    urllib.request.urlopen(loc.replace('sdkfn/', 'other/'))
    check('code_location_signed', False, 'answered for another function')
except urllib.error.HTTPError as e:
    check('code_location_signed', e.code == 403, e.code)

lam.delete_function(FunctionName='sdkfn')
try:
    lam.get_function(FunctionName='sdkfn')
    check('deleted', False, 'still there')
except lam.exceptions.ResourceNotFoundException:
    check('deleted', True)
# Runtime identifiers stay as given (python3.13 is not rewritten to another python3.x).
CTX = ("def handler(event, context):\n"
       "    cc = context.client_context\n"
       "    return {'custom': cc.custom if cc else None, 'inst': cc.client.installation_id if cc and cc.client else None,\n"
       "            'identity': context.identity.cognito_identity_id, 'env': __import__('os').environ['AWS_EXECUTION_ENV']}\n")
r = lam.create_function(FunctionName='py313', Runtime='python3.13', Role='arn:aws:iam::000000000000:role/r',
                        Handler='app.handler', Code={'ZipFile': code(CTX)})
check('create_python3.13', r['Runtime'] == 'python3.13', r)
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('index.js', 'exports.handler = async () => process.env.AWS_EXECUTION_ENV;')
r = lam.create_function(FunctionName='node22', Runtime='nodejs22.x', Role='arn:aws:iam::000000000000:role/r',
                        Handler='index.handler', Code={'ZipFile': buf.getvalue()})
check('create_nodejs22.x', r['Runtime'] == 'nodejs22.x', r)
runtimes = {f['FunctionName']: f['Runtime'] for f in lam.list_functions()['Functions']}
check('list_keeps_runtimes', runtimes.get('py313') == 'python3.13' and runtimes.get('node22') == 'nodejs22.x', runtimes)
check('get_keeps_runtime', lam.get_function_configuration(FunctionName='node22')['Runtime'] == 'nodejs22.x')
out = json.loads(lam.invoke(FunctionName='node22', Payload=b'{}')['Payload'].read())
check('nodejs22.x_execution_env', out == 'AWS_Lambda_nodejs22.x', out)
try:
    lam.create_function(FunctionName='py37', Runtime='python3.7', Role='arn:aws:iam::000000000000:role/r',
                        Handler='app.handler', Code={'ZipFile': code(CTX)})
    check('unknown_runtime_refused', False, 'created')
except lam.exceptions.InvalidParameterValueException as e:
    check('unknown_runtime_refused', 'python3.13' in str(e), str(e))

# The client context an SDK sends reaches Python as Lambda's objects (attributes).
cc = base64.b64encode(json.dumps({'client': {'installation_id': 'inst-9', 'app_title': 'Shop'},
                                  'custom': {'k': 'v'}, 'env': {'locale': 'en'}}).encode()).decode()
r = lam.invoke(FunctionName='py313', Payload=b'{}', ClientContext=cc)
out = json.loads(r['Payload'].read())
check('client_context_objects', out['custom'] == {'k': 'v'} and out['inst'] == 'inst-9' and out['identity'] is None
      and out['env'] == 'AWS_Lambda_python3.13', (r.get('FunctionError'), out))

# Over 6 MB: Lambda's error, and the environment keeps serving.
lam.update_function_code(FunctionName='py313', ZipFile=code("def handler(event, context):\n    return 'x' * event.get('n', 1)\n"))
r = lam.invoke(FunctionName='py313', Payload=json.dumps({'n': 7000000}))
err = json.loads(r['Payload'].read())
check('response_too_large', r.get('FunctionError') == 'Unhandled' and err == {
    'errorMessage': 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    'errorType': 'Function.ResponseSizeTooLarge'}, (r.get('FunctionError'), err))
r = lam.invoke(FunctionName='py313', Payload=b'{}')
check('after_too_large', json.loads(r['Payload'].read()) == 'x' and 'FunctionError' not in r, r)
lam.delete_function(FunctionName='py313')
lam.delete_function(FunctionName='node22')
print('ALL OK')
