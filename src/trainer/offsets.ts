import type { PartitionOffset } from '../records/types.js';

/**
 * The next offset to read per input partition: one past the highest offset whose record
 * is in the model's state (trained, held out or skipped). Recorded in every version so a
 * restarted trainer resumes exactly after it.
 */
export class OffsetTracker {
  private readonly next = new Map<string, PartitionOffset>();

  observe(topic: string, partition: number, offset: number): void {
    const key = `${topic}\u0000${partition}`;
    const current = this.next.get(key);
    if (!current) this.next.set(key, { topic, partition, offset: offset + 1 });
    else if (offset + 1 > current.offset) current.offset = offset + 1;
  }

  /** Sorted by topic, then partition; copies, safe to publish. */
  snapshot(): PartitionOffset[] {
    return [...this.next.values()]
      .map((p) => ({ ...p }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  load(offsets: readonly PartitionOffset[]): void {
    this.next.clear();
    for (const p of offsets) this.next.set(`${p.topic}\u0000${p.partition}`, { ...p });
  }
}
