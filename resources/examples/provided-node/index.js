// The handler the custom runtime loads: an async function, like a Node.js Lambda handler.
exports.handler = async (event, context) => {
  console.log('request', context.awsRequestId);
  if (event && event.fail) {
    throw new Error('asked to fail');
  }
  return { echo: event, runtime: 'provided-node', remainingPositive: context.getRemainingTimeInMillis() > 0 };
};
