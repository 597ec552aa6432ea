/**
 * Pending changelog writes of one stage state, coalesced per key. A later write to a key
 * moves it to the end, so the drained order is the order of each key's latest write —
 * the same order a compacted changelog replays them in.
 */
export class ChangeBuffer {
  private readonly pending = new Map<string, string | null>();

  set(key: string, value: string | null): void {
    this.pending.delete(key);
    this.pending.set(key, value);
  }

  drain(): Array<[key: string, value: string | null]> {
    const changes = [...this.pending];
    this.pending.clear();
    return changes;
  }
}
