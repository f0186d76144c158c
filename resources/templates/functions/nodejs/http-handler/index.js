exports.handler = async (event) => {
  const http = (event.requestContext || {}).http || {};
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      method: http.method,
      path: event.rawPath,
      query: event.queryStringParameters || {},
      received: event.body || '',
    }),
  };
};
