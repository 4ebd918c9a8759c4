// Preloaded with --require: prints at exit every CommonJS module request, and every vendor
// bundle read (dist/bundle/*.vendor.cjs: on Node 20 src/core/db/vendor.ts compiles them from
// their text with a code cache, not through require), so a test can check that `crm --help`
// never loads MikroORM, twilio or @sendgrid (all CommonJS packages), and a list read no MikroORM.
const fs = require('node:fs');
const Module = require('node:module');
const { basename } = require('node:path');
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  seen.add(request);
  return load.call(this, request, ...rest);
};
const readFileSync = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (typeof path === 'string' && path.endsWith('.vendor.cjs')) seen.add(`vendor:${basename(path)}`);
  return readFileSync.call(this, path, ...rest);
};
process.on('exit', () => {
  process.stderr.write(`loaded-modules:${JSON.stringify([...seen])}\n`);
});
