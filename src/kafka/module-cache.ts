import Module from 'node:module';

/**
 * Makes `require(path)` return `exports` from now on, as if that file had been loaded:
 * how a fix replaces one of kafkajs's internal modules before the modules that require
 * it are loaded.
 */
export function putInModuleCache(require: NodeJS.Require, path: string, exports: unknown): void {
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = exports;
  require.cache[path] = module;
}
