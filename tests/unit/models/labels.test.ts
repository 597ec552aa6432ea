import { describe, expect, it } from 'vitest';
import { isReviewflowError } from '../../../src/errors.js';
import { checkLabelName, LABEL_HISTORY, moveLabel, parseFollow, requireRetained, rollbackTarget } from '../../../src/models/index.js';
import type { ModelLabel } from '../../../src/records/types.js';

const errorOf = (fn: () => unknown): { code: string; message: string; hint: string | undefined } => {
  try {
    fn();
  } catch (err) {
    if (isReviewflowError(err)) return { code: err.code, message: err.message, hint: err.hint };
    throw err;
  }
  throw new Error('expected an error');
};

/** The label record after a sequence of moves, each at a later time. */
function movesTo(versions: number[], actions: Array<'label' | 'rollback'> = []): ModelLabel {
  let record: ModelLabel | undefined;
  versions.forEach((version, i) => {
    record = moveLabel(record, { model: 'sentiment', label: 'stable', version, action: actions[i] ?? 'label', by: 'ana', at: 1_000 + i, reason: null });
  });
  return record!;
}

describe('parseFollow', () => {
  it('parseFollow reads latest, version numbers and label names', () => {
    expect(parseFollow('latest')).toEqual({ kind: 'latest' });
    expect(parseFollow('12')).toEqual({ kind: 'version', version: 12 });
    expect(parseFollow(3)).toEqual({ kind: 'version', version: 3 });
    expect(parseFollow('stable')).toEqual({ kind: 'label', label: 'stable' });
    expect(parseFollow('canary-eu.2')).toEqual({ kind: 'label', label: 'canary-eu.2' });
  });

  it.each(['0', '-1', 'v2', 'has space', '', 'a/b', 'x'.repeat(65)])('parseFollow rejects %j with a hint', (value) => {
    const err = errorOf(() => parseFollow(value));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.hint).toBeTruthy();
  });

  it('checkLabelName refuses latest, which would shadow following the newest version', () => {
    expect(errorOf(() => checkLabelName('latest')).code).toBe('INVALID_INPUT');
    expect(checkLabelName('stable')).toBe('stable');
  });
});

describe('moveLabel', () => {
  it('moveLabel puts the previous target at the front of the history, with who and when', () => {
    const record = movesTo([2, 5, 7]);
    expect(record).toMatchObject({ model: 'sentiment', label: 'stable', version: 7, action: 'label', by: 'ana', at: 1_002 });
    expect(record.history.map((h) => [h.version, h.at])).toEqual([[5, 1_001], [2, 1_000]]);
  });

  it('moveLabel bounds the history', () => {
    const record = movesTo(Array.from({ length: LABEL_HISTORY + 10 }, (_, i) => i + 1));
    expect(record.history).toHaveLength(LABEL_HISTORY);
    expect(record.history[0]!.version).toBe(LABEL_HISTORY + 9);
  });
});

describe('rollbackTarget', () => {
  const retained = [1, 3, 5, 6, 7];

  it('rollbackTarget picks the previous version the label pointed to', () => {
    expect(rollbackTarget({ model: 'sentiment', label: 'stable', current: movesTo([3, 6]), retained })).toBe(3);
  });

  it('rollbackTarget walks back on repeated rollbacks instead of toggling', () => {
    const afterOne = movesTo([1, 3, 6, 3], ['label', 'label', 'label', 'rollback']);
    // history: 6, 3, 1 — 6 is newer than the current 3, so the next rollback goes to 1
    expect(rollbackTarget({ model: 'sentiment', label: 'stable', current: afterOne, retained })).toBe(1);
  });

  it('rollbackTarget takes an explicit retained version', () => {
    expect(rollbackTarget({ model: 'sentiment', label: 'stable', current: movesTo([3, 6]), retained, to: 5 })).toBe(5);
  });

  it('rollbackTarget names the retained versions when the target is gone', () => {
    const err = errorOf(() => rollbackTarget({ model: 'sentiment', label: 'stable', current: movesTo([2, 6]), retained }));
    expect(err.code).toBe('MODEL_NOT_FOUND');
    expect(err.message).toBe('version 2 of sentiment is not retained on the model topic (retained versions: 1, 3, 5, 6, 7)');
    expect(err.hint).toContain('keepVersions');
    expect(errorOf(() => rollbackTarget({ model: 'sentiment', label: 'stable', current: movesTo([6]), retained, to: 4 })).message).toContain('retained versions: 1, 3, 5, 6, 7');
  });

  it('rollbackTarget refuses a label never set, one with no older target, and a move to where it already is', () => {
    expect(errorOf(() => rollbackTarget({ model: 'sentiment', label: 'stable', current: undefined, retained })).message).toContain('was never set');
    expect(errorOf(() => rollbackTarget({ model: 'sentiment', label: 'stable', current: movesTo([5, 3]), retained })).message).toContain('never pointed to a version older than 3');
    expect(errorOf(() => rollbackTarget({ model: 'sentiment', label: 'stable', current: movesTo([3, 6]), retained, to: 6 })).code).toBe('INVALID_INPUT');
  });

  it('requireRetained accepts retained versions and says when none is published', () => {
    expect(() => requireRetained('sentiment', 3, [3])).not.toThrow();
    expect(errorOf(() => requireRetained('sentiment', 1, [])).message).toContain('retained versions: none');
  });
});
