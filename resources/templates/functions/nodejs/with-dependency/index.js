// dayjs comes from package.json: each deploy runs `npm install --omit=dev` (`npm ci` once a
// package-lock.json is added) and ships node_modules with this file, as `sam build` does.
// An unchanged package.json deploys from the build cache in milliseconds.
const dayjs = require('dayjs');

exports.handler = async (event) => {
  const when = dayjs(event && event.date ? event.date : undefined);
  return {
    iso: when.toISOString(),
    pretty: when.format('dddd, D MMMM YYYY HH:mm'),
    inAWeek: when.add(7, 'day').format('YYYY-MM-DD'),
  };
};
