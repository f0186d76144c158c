exports.handler = async (event) => {
  const mb = (event && event.mb) || 64;
  const block = Buffer.alloc(mb * 1024 * 1024, 1);
  return { allocatedMb: mb, bytes: block.length };
};
