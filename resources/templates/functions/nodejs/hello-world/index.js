exports.handler = async (event, context) => {
  const name = (event && event.name) || 'world';
  console.log(`greeting ${name} from request ${context.awsRequestId}`);
  return { message: `Hello, ${name}!` };
};
