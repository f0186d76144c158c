exports.handler = async (event, context) => {
  console.log(`scheduled run fired at ${event.time}; ${context.getRemainingTimeInMillis()} ms left`);
  return { ok: true, firedAt: event.time };
};
