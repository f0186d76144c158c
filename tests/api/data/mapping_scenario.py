# An event source mapping made with the real boto3 Lambda client: a queue with a
# dead-letter queue (maxReceiveCount 2), a mapping with ReportBatchItemFailures created
# disabled (nothing is consumed), enabled with UpdateEventSourceMapping, then waited on
# until the failing messages sit in the dead-letter queue and the queue is empty.
# Lambda's errors for bad mappings are checked on the way. Prints "DLQ <json bodies>" and
# "ALL OK"; the first failed check prints "FAIL <what>" and exits 1.
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

endpoint, function = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='FUNCDESKLOCAL',
          aws_secret_access_key='local')
sqs = boto3.client('sqs', **kw)
lam = boto3.client('lambda', **kw)


def check(condition, what):
    if not condition:
        print('FAIL', what)
        sys.exit(1)


def error_code(call):
    try:
        call()
    except ClientError as e:
        return e.response['Error']['Code']
    return None


def depth(url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
    return int(a['ApproximateNumberOfMessages']), int(a['ApproximateNumberOfMessagesNotVisible'])


dlq = sqs.create_queue(QueueName='jobs-dlq')['QueueUrl']
queue = sqs.create_queue(QueueName='jobs', Attributes={
    'VisibilityTimeout': '1',
    'RedrivePolicy': json.dumps({'deadLetterTargetArn': 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq',
                                 'maxReceiveCount': 2})})['QueueUrl']
arn = 'arn:aws:sqs:us-east-1:000000000000:jobs'

check(error_code(lambda: lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn + '-none'))
      == 'InvalidParameterValueException', 'missing queue')
check(error_code(lambda: lam.create_event_source_mapping(FunctionName='nobody', EventSourceArn=arn))
      == 'ResourceNotFoundException', 'missing function')
check(error_code(lambda: lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn, BatchSize=50))
      == 'InvalidParameterValueException', 'batch over 10 without a window')

created = lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn, BatchSize=10, Enabled=False,
                                          FunctionResponseTypes=['ReportBatchItemFailures'])
uuid = created['UUID']
check(created['State'] == 'Creating', 'created state %s' % created['State'])
check(created['EventSourceArn'] == arn, 'event source arn')
check(created['FunctionArn'].endswith(':function:' + function), 'function arn ' + created['FunctionArn'])
check(lam.get_event_source_mapping(UUID=uuid)['State'] == 'Disabled', 'disabled')
check(error_code(lambda: lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn))
      == 'ResourceConflictException', 'duplicate mapping')
check(error_code(lambda: lam.get_event_source_mapping(UUID='00000000-0000-0000-0000-000000000000'))
      == 'ResourceNotFoundException', 'unknown uuid')

bodies = ['good-1', 'bad-1', 'good-2', 'bad-2', 'good-3']
sqs.send_message_batch(QueueUrl=queue, Entries=[{'Id': str(i), 'MessageBody': b,
                                                 'MessageAttributes': {'n': {'DataType': 'Number', 'StringValue': str(i)}}}
                                                for i, b in enumerate(bodies)])
time.sleep(1.0)
check(depth(queue) == (5, 0), 'a disabled mapping consumes nothing %s' % (depth(queue),))

updated = lam.update_event_source_mapping(UUID=uuid, Enabled=True)
check(updated['State'] == 'Updating', 'updating')
deadline = time.time() + 40
while time.time() < deadline:
    if depth(dlq)[0] == 2 and depth(queue) == (0, 0):
        break
    time.sleep(0.2)
check(depth(dlq)[0] == 2 and depth(queue) == (0, 0), 'drained: queue %s, dlq %s' % (depth(queue), depth(dlq)))

listed = lam.list_event_source_mappings(FunctionName=function)['EventSourceMappings']
check([m['UUID'] for m in listed] == [uuid], 'listed')
check(listed[0]['FunctionResponseTypes'] == ['ReportBatchItemFailures'] and listed[0]['State'] == 'Enabled', 'listed fields')
check(listed[0]['LastProcessingResult'] == 'OK', 'last result ' + listed[0]['LastProcessingResult'])
dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=['All'])['Messages']
print('DLQ', json.dumps(sorted(m['Body'] for m in dead)))

check(lam.delete_event_source_mapping(UUID=uuid)['State'] == 'Deleting', 'deleting')
check(lam.list_event_source_mappings(EventSourceArn=arn)['EventSourceMappings'] == [], 'deleted')
print('ALL OK')
