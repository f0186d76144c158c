// The AWS SDK for JavaScript v3 SQS client against a Funcdesk endpoint (JSON protocol):
// create, send with attributes (the SDK checks the MD5s of body and attributes), receive,
// delete, counts, and a missing queue's error. Prints "ALL OK"; a failed check throws.
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand,
         GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';

const [endpoint] = process.argv.slice(2);
const sqs = new SQSClient({ endpoint, region: 'us-east-1',
                            credentials: { accessKeyId: 'FUNCDESKLOCAL', secretAccessKey: 'local' } });
const check = (condition, what) => { if (!condition) throw new Error('FAIL ' + what); };

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'js-queue', Attributes: { VisibilityTimeout: '30' } }));
check(QueueUrl === endpoint + '/000000000000/js-queue', 'queue url ' + QueueUrl);
const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from node \u2603',
  MessageAttributes: { kind: { DataType: 'String', StringValue: 'snow' }, n: { DataType: 'Number', StringValue: '7' },
                       raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } } }));
check(sent.MessageId && sent.MD5OfMessageAttributes, 'sent ' + JSON.stringify(sent));
const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'two' }, { Id: 'b', MessageBody: 'three' }] }));
check(batch.Successful.length === 2, 'batch');

const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'],
                                                       MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
check(got.Messages.length === 3, 'received ' + got.Messages.length);
const first = got.Messages.find(m => m.MessageId === sent.MessageId);
check(first.Body === 'from node \u2603', 'body');
check(first.MessageAttributes.kind.StringValue === 'snow', 'string attribute');
check(Buffer.from(first.MessageAttributes.raw.BinaryValue).equals(Buffer.from([1, 2, 3])), 'binary attribute');
check(first.Attributes.ApproximateReceiveCount === '1', 'receive count');
for (const m of got.Messages)
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes;
check(attrs.ApproximateNumberOfMessages === '0' && attrs.ApproximateNumberOfMessagesNotVisible === '0', 'empty ' + JSON.stringify(attrs));

try {
  await sqs.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' }));
  check(false, 'missing queue found');
} catch (e) {
  check(e.name === 'QueueDoesNotExist', 'error name ' + e.name);
}
console.log('ALL OK');
