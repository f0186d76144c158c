// Module state survives between invocations of one execution environment (a warm start).
let invocations = 0;

exports.handler = async (event, context) => {
  invocations += 1;
  const name = (event && event.name) || 'world';
  console.log(`greeting ${name} (invocation ${invocations} of this environment)`);
  return {
    statusCode: 200,
    body: JSON.stringify({ message: `Hello, ${name}!` }),
    invocations,
    requestId: context.awsRequestId,
  };
};
