/**
 * When a running `Pipeline` has read everything, from its in-memory counters only: fused
 * stages leave the topics between them empty, so no wait here may look at topic offsets.
 */
import type { Pipeline } from '../src/runtime/pipeline.js';

export interface StageCount {
  stage: string;
  in: number;
  out: number;
  generated: number;
}

const POLL_MS = 20;
const STALL_MS = 60_000;

/** Every stage in record order (a fused chain lists each of its stages), then the trainers. */
export function stageCounts(pipeline: Pipeline): StageCount[] {
  const { stages, trainers } = pipeline.progress();
  return [...stages, ...trainers].map((p) => ({ stage: p.stage, in: p.session.in, out: p.session.out, generated: p.session.generated }));
}

/** True once every stage has read all its upstream produced (clean read `records`); fused or not. */
function caughtUp(counts: StageCount[], records: number): boolean {
  let expected = records;
  for (const c of counts) {
    if (c.in < expected) return false;
    expected = c.out + c.generated;
  }
  return true;
}

/** Waits until the pipeline caught up, or reports a stall (no stage read anything for STALL_MS). */
export async function waitCaughtUp(pipeline: Pipeline, records: number): Promise<{ doneAt: number; stalled?: string }> {
  let lastTotal = -1;
  let lastProgress = performance.now();
  for (;;) {
    const counts = stageCounts(pipeline);
    const now = performance.now();
    if (caughtUp(counts, records)) return { doneAt: now };
    const total = counts.reduce((n, c) => n + c.in, 0);
    if (total !== lastTotal) [lastTotal, lastProgress] = [total, now];
    if (now - lastProgress > STALL_MS) {
      return { doneAt: lastProgress, stalled: `no stage read anything for ${STALL_MS / 1000} s: ${counts.map((c) => `${c.stage} in ${c.in}`).join(', ')}` };
    }
    await Promise.race([pipeline.failed(), new Promise((r) => setTimeout(r, POLL_MS))]);
  }
}
