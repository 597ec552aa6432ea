/** Which versions the report singles out, and how it names what trained them. */
import type { VersionReport } from './types.js';

/** Newest first: by publish time, then by number (two versions can share a millisecond). */
export function newestFirst(a: VersionReport, b: VersionReport): number {
  return b.createdAt - a.createdAt || b.version - a.version;
}

/** The newest version of each model, models in the order they first appear (as in the accuracy chart). */
export function newestVersionPerModel(versions: readonly VersionReport[]): VersionReport[] {
  const newest = new Map<string, VersionReport>();
  for (const v of versions) {
    const seen = newest.get(v.model);
    if (!seen || newestFirst(v, seen) < 0) newest.set(v.model, v);
  }
  return [...newest.values()];
}

/** "cpu, sparse executor" or "webgpu on Apple M2, tfjs executor"; parts not recorded are left out. */
export function describeTrainer(v: VersionReport): string {
  const where = v.device ? `${v.backend} on ${v.device}` : v.backend;
  return v.executor ? `${where}, ${v.executor} executor` : where;
}
