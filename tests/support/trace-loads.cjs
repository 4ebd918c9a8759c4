// Preloaded with --require: prints every CommonJS module request at exit, so a test can check
// that `crm --help` never loads MikroORM, twilio or @sendgrid (all CommonJS packages).
const Module = require('node:module');
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  seen.add(request);
  return load.call(this, request, ...rest);
};
process.on('exit', () => {
  process.stderr.write(`loaded-modules:${JSON.stringify([...seen])}\n`);
});
