# The real boto3 SQS client against a Funcdesk endpoint: queues, messages with attributes,
# receive (visibility, receive count), delete, change visibility, redrive to a dead-letter
# queue, long polling, errors, purge and delete. Whatever protocol the installed botocore
# speaks (query in Debian's 1.29, JSON in current ones). Prints "ALL OK" at the end; the
# first failed check prints "FAIL <what>" and exits 1.
import hashlib
import sys
import threading
import time

import boto3
import botocore
from botocore.exceptions import ClientError

endpoint, prefix = sys.argv[1], sys.argv[2]
sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1',
                   aws_access_key_id='FUNCDESKLOCAL', aws_secret_access_key='local')
print('botocore', botocore.__version__)


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


dlq_url = sqs.create_queue(QueueName=prefix + '-dlq')['QueueUrl']
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
check(dlq_arn == 'arn:aws:sqs:us-east-1:000000000000:' + prefix + '-dlq', 'queue arn ' + dlq_arn)
url = sqs.create_queue(QueueName=prefix + '-work', Attributes={
    'VisibilityTimeout': '1',
    'RedrivePolicy': '{"deadLetterTargetArn":"%s","maxReceiveCount":"2"}' % dlq_arn})['QueueUrl']
check(url == endpoint + '/000000000000/' + prefix + '-work', 'queue url ' + url)
check(sqs.get_queue_url(QueueName=prefix + '-work')['QueueUrl'] == url, 'get_queue_url')
listed = sqs.list_queues(QueueNamePrefix=prefix).get('QueueUrls', [])
check(sorted(listed) == sorted([url, dlq_url]), 'list_queues %s' % listed)

# Send: one with attributes of every type, then a batch with one bad entry.
attributes = {'kind': {'DataType': 'String', 'StringValue': 'greeting'},
              'count': {'DataType': 'Number', 'StringValue': '3'},
              'blob': {'DataType': 'Binary', 'BinaryValue': b'\x00\xff'}}
sent = sqs.send_message(QueueUrl=url, MessageBody='hello \u20ac', MessageAttributes=attributes)
check(sent['MD5OfMessageBody'] == hashlib.md5('hello \u20ac'.encode()).hexdigest(), 'md5 of body')
check('MD5OfMessageAttributes' in sent, 'md5 of attributes on send')
batch = sqs.send_message_batch(QueueUrl=url, Entries=[
    {'Id': 'one', 'MessageBody': 'first'},
    {'Id': 'two', 'MessageBody': 'second'},
    {'Id': 'bad', 'MessageBody': 'x' * 300000}])
check(sorted(e['Id'] for e in batch['Successful']) == ['one', 'two'], 'batch successful %s' % batch)
check([e['Id'] for e in batch.get('Failed', [])] == ['bad'], 'batch failed %s' % batch)

received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=['All'],
                               AttributeNames=['All'])['Messages']
check(len(received) == 3, 'received %d' % len(received))
by_body = {m['Body']: m for m in received}
hello = by_body['hello \u20ac']
check(hello['MessageId'] == sent['MessageId'], 'message id')
check(hello['MessageAttributes']['blob']['BinaryValue'] == b'\x00\xff', 'binary attribute')
check(hello['MessageAttributes']['count']['StringValue'] == '3', 'number attribute')
check(hello['MD5OfMessageAttributes'] == sent['MD5OfMessageAttributes'], 'md5 of attributes on receive')
check(hello['Attributes']['ApproximateReceiveCount'] == '1', 'receive count')
check(abs(int(hello['Attributes']['SentTimestamp']) - time.time() * 1000) < 60000, 'sent timestamp')

# In flight: invisible, counted as not visible.
check('Messages' not in sqs.receive_message(QueueUrl=url), 'hidden while in flight')
counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages',
                                                               'ApproximateNumberOfMessagesNotVisible'])['Attributes']
check(counts == {'ApproximateNumberOfMessages': '0', 'ApproximateNumberOfMessagesNotVisible': '3'}, 'counts %s' % counts)

sqs.delete_message(QueueUrl=url, ReceiptHandle=by_body['first']['ReceiptHandle'])
deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
    {'Id': 'a', 'ReceiptHandle': by_body['second']['ReceiptHandle']},
    {'Id': 'b', 'ReceiptHandle': 'not-a-handle'}])
check([e['Id'] for e in deleted['Successful']] == ['a'], 'delete batch %s' % deleted)
check([e['Id'] for e in deleted.get('Failed', [])] == ['b'], 'delete batch failed entry')
check(error_code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle='junk')) == 'ReceiptHandleIsInvalid',
      'invalid receipt handle')

# The visibility timeout (1 s) runs out: back, received a second time.
time.sleep(1.2)
again = sqs.receive_message(QueueUrl=url, AttributeNames=['ApproximateReceiveCount'])['Messages']
check([m['Body'] for m in again] == ['hello \u20ac'], 'visible again %s' % again)
check(again[0]['Attributes']['ApproximateReceiveCount'] == '2', 'second receive count')
# Made visible at once; the next receive finds it over maxReceiveCount: it moves to the DLQ.
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again[0]['ReceiptHandle'], VisibilityTimeout=0)
check('Messages' not in sqs.receive_message(QueueUrl=url), 'redriven, not received a third time')
dead = sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=['All'])['Messages']
check([m['MessageId'] for m in dead] == [sent['MessageId']], 'in the dead-letter queue %s' % dead)
check(dead[0]['MessageAttributes']['kind']['StringValue'] == 'greeting', 'attributes kept in the DLQ')
sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq_url)['queueUrls']
check(sources == [url], 'dead letter sources %s' % sources)

# Long polling: a receive waiting 10 s is answered by a send 0.5 s later.
def send_later():
    time.sleep(0.5)
    boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='FUNCDESKLOCAL',
                 aws_secret_access_key='local').send_message(QueueUrl=url, MessageBody='late')
started = time.time()
threading.Thread(target=send_later).start()
polled = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get('Messages', [])
check([m['Body'] for m in polled] == ['late'], 'long poll got the late message %s' % polled)
check(time.time() - started < 8, 'long poll answered by the send, not its timeout')
# With nothing to receive it waits its time, then answers empty.
empty_started = time.time()
check('Messages' not in sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=1), 'empty long poll')
check(time.time() - empty_started >= 0.9, 'empty long poll waited')

check(error_code(lambda: sqs.get_queue_url(QueueName=prefix + '-none')) == 'AWS.SimpleQueueService.NonExistentQueue',
      'missing queue error')
check(error_code(lambda: sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)) == 'InvalidParameterValue',
      'max messages out of range')
check(error_code(lambda: sqs.create_queue(QueueName=prefix + '-work', Attributes={'VisibilityTimeout': '7'}))
      == 'QueueAlreadyExists', 'different attributes')

sqs.set_queue_attributes(QueueUrl=url, Attributes={'VisibilityTimeout': '45', 'RedrivePolicy': ''})
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
check(attrs['VisibilityTimeout'] == '45' and 'RedrivePolicy' not in attrs, 'set attributes %s' % attrs)
sqs.send_message(QueueUrl=url, MessageBody='to purge')
sqs.purge_queue(QueueUrl=url)
check(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages'])['Attributes']
      ['ApproximateNumberOfMessages'] == '0', 'purged')
sqs.delete_queue(QueueUrl=url)
check(error_code(lambda: sqs.send_message(QueueUrl=url, MessageBody='x')) == 'AWS.SimpleQueueService.NonExistentQueue',
      'deleted queue')
print('ALL OK')
