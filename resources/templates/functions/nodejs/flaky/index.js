exports.handler = (event, context, callback) => {
  if (Math.random() < 0.33) {
    callback(new Error('flaky dependency timed out'));
    return;
  }
  callback(null, { ok: true });
};
