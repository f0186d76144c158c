// Module-level work runs once per execution environment: the cold start pays it,
// warm invocations do not.
const loadedAt = Date.now();
const until = loadedAt + 1000;
while (Date.now() < until) { /* simulate loading a large dependency */ }

exports.handler = async () => ({ configLoadedAt: loadedAt });
