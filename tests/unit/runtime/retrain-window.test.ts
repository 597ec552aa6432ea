import { describe, expect, it } from 'vitest';
import { ErrorCode, isReviewflowError } from '../../../src/errors.js';
import { isExcluded } from '../../../src/runtime/retrain.js';
import { parseWindowBound, resolveWindow, type WindowBound, type WindowLookups } from '../../../src/runtime/retrain-window.js';
import { failureOf } from '../../helpers/errors.js';

/** A topic of three partitions holding offsets 10..100, 0..50 and 5..5 (empty); records at one per ms from time 1000 + offset. */
const lookups: WindowLookups = {
  ends: async () => [
    { partition: 0, low: 10, high: 100 },
    { partition: 1, low: 0, high: 50 },
    { partition: 2, low: 5, high: 5 },
  ],
  offsetsAt: async (time) => [
    { partition: 0, offset: Math.min(100, Math.max(10, time - 1000)) },
    { partition: 1, offset: Math.min(50, Math.max(0, time - 1000)) },
    { partition: 2, offset: 5 },
  ],
};

const resolve = (from: string, to?: string) =>
  resolveWindow({ topic: 'accepted', from: parseWindowBound('--from', from), to: to === undefined ? undefined : parseWindowBound('--to', to), lookups });

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (err) {
    return isReviewflowError(err) ? err.code : 'not a ReviewflowError';
  }
  return undefined;
}

describe('parseWindowBound', () => {
  it('parseWindowBound reads offsets per partition, epoch milliseconds and ISO-8601 times', () => {
    expect(parseWindowBound('--from', '0:100, 1:250')).toEqual({ kind: 'offsets', offsets: new Map([[0, 100], [1, 250]]) });
    expect(parseWindowBound('--from', '1764583200000')).toEqual({ kind: 'time', at: 1_764_583_200_000 });
    expect(parseWindowBound('--from', '2025-12-01T10:00:00Z')).toEqual({ kind: 'time', at: Date.UTC(2025, 11, 1, 10) });
    expect(parseWindowBound('--from', '2025-12-01T11:30:00.250+01:00')).toEqual({ kind: 'time', at: Date.UTC(2025, 11, 1, 10, 30, 0, 250) });
    expect(parseWindowBound('--to', '2025-12-01')).toEqual({ kind: 'time', at: Date.UTC(2025, 11, 1) });
  });

  it('parseWindowBound rejects what is neither, a partition named twice and numbers past 2^53, with INVALID_WINDOW', () => {
    for (const bad of ['yesterday', '', '0:', '0:1,', '-5', '1.5', '2025-13-45T99:00:00Z', '0:1,0:2', '99999999999999999999', '0:99999999999999999999']) {
      expect(codeOf(() => parseWindowBound('--from', bad)), bad).toBe(ErrorCode.INVALID_WINDOW);
    }
  });
});

describe('resolveWindow', () => {
  it('resolveWindow takes every partition for a time, from the first offset at that time to the end offsets of now', async () => {
    const w = await resolve('1030');
    expect(w.ranges).toEqual([
      { partition: 0, from: 30, to: 100 },
      { partition: 1, from: 30, to: 50 },
      { partition: 2, from: 5, to: 5 },
    ]);
    expect(w).toMatchObject({ topic: 'accepted', fromTime: 1030, toTime: null, offsets: 90 });
    expect((await resolve('1030', '1040')).ranges.map((r) => r.to)).toEqual([40, 40, 5]);
  });

  it('resolveWindow reads only the partitions --from names; --to offsets end those it names, the others run to their end', async () => {
    const w = await resolve('0:20,1:0', '0:25');
    expect(w.ranges).toEqual([
      { partition: 0, from: 20, to: 25 },
      { partition: 1, from: 0, to: 50 },
    ]);
    expect(w.offsets).toBe(55);
    expect((await resolve('0:20', '1070')).ranges).toEqual([{ partition: 0, from: 20, to: 70 }]);
  });

  it('resolveWindow rejects offsets the topic does not hold and bounds in the wrong order, never clamping them', async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['0:5', undefined, /before the earliest offset 10/],
      ['0:101', undefined, /past the end/],
      ['7:0', undefined, /partition 7, which accepted does not have/],
      ['0:20', '0:150', /past the end/],
      ['0:20', '0:19', /before --from 0:20/],
      ['0:20', '1:30', /partition 1, which is not in the window/],
      ['1040', '1030', /is before --from/],
    ];
    for (const [from, to, message] of cases) {
      const err = await failureOf(resolve(from, to));
      expect(err.code, `${from} ${to}`).toBe(ErrorCode.INVALID_WINDOW);
      expect(err.message).toMatch(message);
      expect(err.hint).toBeTruthy();
    }
  });

  it('resolveWindow counts an empty window as zero offsets (the caller reports it)', async () => {
    expect((await resolve('5000')).offsets).toBe(0);
    expect((await resolve('0:30', '0:30')).offsets).toBe(0);
  });
});

describe('isExcluded', () => {
  it('isExcluded leaves out an excluded review and its augmented copies, nothing else', () => {
    const ids = new Set(['r-1']);
    expect(isExcluded({ id: 'r-1', parentId: null }, ids)).toBe(true);
    expect(isExcluded({ id: 'r-1~aug0', parentId: 'r-1' }, ids)).toBe(true);
    expect(isExcluded({ id: 'r-10', parentId: null }, ids)).toBe(false);
    expect(isExcluded({ id: 'r-2~aug0', parentId: 'r-2' }, ids)).toBe(false);
  });
});

// a bound of each kind types as WindowBound
const _bounds: WindowBound[] = [parseWindowBound('--from', '0'), parseWindowBound('--from', '0:0')];
void _bounds;
