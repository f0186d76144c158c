const fib = (k) => (k < 2 ? k : fib(k - 1) + fib(k - 2));

exports.handler = async (event) => {
  const n = (event && event.n) || 30;
  return { n, fib: fib(n) };
};
