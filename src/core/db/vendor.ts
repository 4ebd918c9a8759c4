/**
 * The built CLI's vendor files (dist/bundle/*.vendor.cjs, scripts/bundle.mjs): packages bundled
 * into one CommonJS file each, loaded with the V8 code cache the build made for them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

const require = createRequire(import.meta.url);

/**
 * Loads a vendor file as `require` would, but on Node 20 with the V8 code cache the build made
 * for it: compiling is most of a bundle's load, and the cache roughly halves it (BENCHMARKS.md,
 * session 11). The cache is used only if it was made from this very file (its first 32 bytes are
 * the file's SHA-256; V8 itself checks only the length) and V8 accepts it (same V8 version and
 * flags); otherwise, or on Node 22+, whose own compile cache bin/crm.js turns on, this is a plain
 * `require`.
 */
export function loadVendor<T>(file: string): T {
  // Beside the vendor file: the SHA-256 of the source it was made from, then V8's data.
  const cacheFile = `${file}.v8cache`;
  if ('enableCompileCache' in Module || !existsSync(cacheFile)) return require(file);
  const source = readFileSync(file);
  const cache = readFileSync(cacheFile);
  if (cache.length <= 32 || !createHash('sha256').update(source).digest().equals(cache.subarray(0, 32)))
    return require(file);
  const script = new vm.Script(Module.wrap(source.toString('utf8')), {
    filename: file,
    cachedData: cache.subarray(32),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(file),
  );
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports as T;
}
