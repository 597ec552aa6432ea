/**
 * Packs a stage state's changes into one changelog record per processed chunk instead of
 * one record per key: a dedup window changes a key for almost every input record, and
 * with kafkajs every produced record costs about as much as the output itself.
 *
 * Each chunk writes a delta `__d:<seq>` holding its `[key, value | null]` changes. The
 * compacted topic cannot drop a key inside a delta, so this class tracks, per delta, the
 * keys whose latest value it holds. A delta whose values were all overwritten is
 * tombstoned (compaction then removes it). The oldest deltas are cleaned in order; when
 * the oldest keeps only a few live values (a key written once and never again), they are
 * copied forward into the current delta so the oldest can go. The topic therefore stays
 * about as large as the state itself.
 *
 * Restoring replays deltas in offset order: a delta that was tombstoned later only holds
 * values that later deltas overwrite, so applying it first is harmless.
 */
export const DELTA_PREFIX = '__d:';

/** A delta with at most this many live values is copied forward when it is the oldest. */
const COPY_FORWARD_MAX = 32;

/** Changes per delta record: keeps each record far below the broker's 1 MiB message limit. */
const MAX_ENTRIES_PER_DELTA = 5_000;

export interface PackedWrite {
  /** The delta records (key and JSON value); several when a chunk changed many keys. */
  deltas: Array<{ key: string; value: string }>;
  /** Keys of older deltas that hold no live value any more. */
  tombstones: string[];
}

export class PackedChangelog {
  /** Delta id → the keys whose latest write is a value in that delta (insertion order = log order). */
  private readonly live = new Map<string, Set<string>>();
  /** Key → the delta holding its latest write, and that write's value. */
  private readonly latest = new Map<string, { id: string; value: string }>();

  /** Packs one chunk's changes under a new, increasing `seq` (the chunk's next input offset). */
  write(changes: Array<[string, string | null]>, seq: number): PackedWrite {
    // the changes as given unless copied-forward values join them: no copy per chunk
    let all = changes;
    let written: Map<string, string | null> | undefined;
    const tombstones: string[] = [];
    // clean from the oldest: drop dead deltas, copy a nearly dead one's few values forward
    for (const [oldest, keys] of this.live) {
      if (keys.size > COPY_FORWARD_MAX) break;
      written ??= new Map(changes);
      for (const key of keys) if (!written.has(key)) written.set(key, this.latest.get(key)!.value);
      this.live.delete(oldest);
      tombstones.push(`${DELTA_PREFIX}${oldest}`);
    }
    if (written) all = [...written];
    const deltas: PackedWrite['deltas'] = [];
    for (let part = 0; part * MAX_ENTRIES_PER_DELTA < all.length; part++) {
      const id = `${seq}.${part}`;
      const slice = all.length <= MAX_ENTRIES_PER_DELTA ? all : all.slice(part * MAX_ENTRIES_PER_DELTA, (part + 1) * MAX_ENTRIES_PER_DELTA);
      this.record(id, slice);
      deltas.push({ key: `${DELTA_PREFIX}${id}`, value: JSON.stringify(slice) });
    }
    return { deltas, tombstones };
  }

  /**
   * Replays one changelog record while restoring: returns the key/value changes to apply
   * to the stage state. Deltas are unpacked; other keys (older per-key format) pass through.
   */
  restore(key: string, value: string | null): Array<[string, string | null]> {
    if (!key.startsWith(DELTA_PREFIX)) return [[key, value]];
    const id = key.slice(DELTA_PREFIX.length);
    if (value === null) {
      this.live.delete(id);
      return [];
    }
    const entries = JSON.parse(value) as Array<[string, string | null]>;
    // a replay after a crash may rewrite a delta: it then takes its place at the end
    this.live.delete(id);
    this.record(id, entries);
    return entries;
  }

  /** How many deltas hold live values: what the compacted topic keeps. */
  get deltas(): number {
    return this.live.size;
  }

  private record(id: string, entries: Array<[string, string | null]>): void {
    const keys = new Set<string>();
    for (const [key, value] of entries) {
      const previous = this.latest.get(key);
      if (previous) this.live.get(previous.id)?.delete(key);
      if (value === null) {
        this.latest.delete(key); // deleted: no delta holds it live
        keys.delete(key); // written earlier in these same entries
      } else {
        this.latest.set(key, { id, value });
        keys.add(key);
      }
    }
    this.live.set(id, keys);
  }
}
