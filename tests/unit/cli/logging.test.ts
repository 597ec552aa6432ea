import { describe, expect, it } from 'vitest';
import { resolveLogging } from '../../../src/cli/logging.js';

describe('resolveLogging', () => {
  it('resolveLogging shows warnings and errors in plain words on a terminal', () => {
    expect(resolveLogging({}, { logLevel: undefined }, true)).toEqual({ level: 'warn', format: 'pretty' });
  });

  it('resolveLogging keeps JSON from info up when piped', () => {
    expect(resolveLogging({}, { logLevel: undefined }, false)).toEqual({ level: 'info', format: 'json' });
  });

  it('resolveLogging takes the flags over the environment and the environment over the defaults', () => {
    expect(resolveLogging({}, { logLevel: 'debug' }, true)).toEqual({ level: 'debug', format: 'pretty' });
    expect(resolveLogging({ logLevel: 'error', logFormat: 'json' }, { logLevel: 'debug' }, true)).toEqual({ level: 'error', format: 'json' });
    expect(resolveLogging({ logFormat: 'pretty' }, { logLevel: undefined }, false)).toEqual({ level: 'warn', format: 'pretty' });
  });
});
