// ES module: loaded with import(); top-level await runs once, during init.
const startedAt = await Promise.resolve(new Date().toISOString());
let invocations = 0;

export const handler = async (event) => {
  invocations += 1;
  return { module: 'esm', startedAt, invocations, echo: event };
};
