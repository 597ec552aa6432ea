import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { getStage, stageIds, stageRegistry } from '../../../src/stages/registry.js';

describe('stage registry', () => {
  it('stageRegistry lists clean, augment and gate under their own ids', () => {
    expect(stageIds).toEqual(['clean', 'augment', 'gate']);
    for (const id of stageIds) expect(stageRegistry[id]?.id).toBe(id);
    expect([getStage('clean').input, getStage('augment').input, getStage('gate').input]).toEqual(['raw', 'review', 'review']);
  });

  it('getStage throws INVALID_TOPOLOGY naming the known ids for an unknown kind', () => {
    let thrown: unknown;
    try {
      getStage('dedupe');
    } catch (err) {
      thrown = err;
    }
    expect(hasCode(thrown, 'INVALID_TOPOLOGY')).toBe(true);
    expect((thrown as Error).message).toContain('clean, augment, gate');
    expect(() => getStage('toString')).toThrowError(expect.objectContaining({ code: 'INVALID_TOPOLOGY' }));
  });

  it('every registered stage parses empty options into defaults', () => {
    for (const id of stageIds) expect(() => getStage(id).options.parse({})).not.toThrow();
  });
});
