import type { PartitionOffset } from '../records/types.js';

/**
 * The next offset to read per input partition: one past the highest offset whose record
 * is in the model's state (trained, held out or skipped). Recorded in every version so a
 * restarted trainer resumes exactly after it.
 */
export class OffsetTracker {
  private readonly next = new Map<string, PartitionOffset>();
  /** Consecutive records mostly share a partition: skip the key string and map lookup. */
  private last: PartitionOffset | undefined;

  /**
   * Takes a record's position into the model. False, and nothing changes, when the model
   * already holds that offset (Kafka redelivers uncommitted records after a rebalance).
   */
  observe(topic: string, partition: number, offset: number): boolean {
    let current = this.last;
    if (!current || current.partition !== partition || current.topic !== topic) {
      const key = `${topic}\u0000${partition}`;
      current = this.next.get(key);
      if (!current) {
        current = { topic, partition, offset };
        this.next.set(key, current);
      }
      this.last = current;
    }
    if (offset < current.offset) return false;
    current.offset = offset + 1;
    return true;
  }

  /** Sorted by topic, then partition; copies, safe to publish. */
  snapshot(): PartitionOffset[] {
    return [...this.next.values()]
      .map((p) => ({ ...p }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  load(offsets: readonly PartitionOffset[]): void {
    this.next.clear();
    this.last = undefined;
    for (const p of offsets) this.next.set(`${p.topic}\u0000${p.partition}`, { ...p });
  }
}
