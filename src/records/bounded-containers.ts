/**
 * avsc trusts an array's block count: a corrupt body that claims 10^9 items makes it
 * allocate and loop that many times before noticing the buffer ran out, which would
 * stall or crash a stage on one poison record. Every array item in our schemas takes at
 * least one byte, so a count larger than the bytes left is impossible and is rejected
 * at once (the tap is marked overflowed, which the codec reports as a corrupt body).
 * Maps get the same bound: each entry carries a string key of at least one byte.
 */
import avro from 'avsc';

/** The slice of avsc's internal Tap this guard reads (stable in the pinned avsc 5.7.9). */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}

interface ItemReader {
  _read(tap: Tap): unknown;
}

/** Reads the next block count; returns -1 when it cannot fit in the bytes left. */
function readBlockCount(tap: Tap): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong(); // the block's byte size, which we do not need
  }
  if (n > tap.buf.length - tap.pos) {
    tap.pos = tap.buf.length + 1; // avsc's "overflowed" marker: decode reports offset -1
    return -1;
  }
  return n;
}

class BoundedArrayType extends avro.types.ArrayType {
  // `this` is either the type or a resolver built from it (avsc copies `_read` onto
  // resolvers and sets their `itemsType` to the item resolver), so read through `this`.
  _read(this: { itemsType: ItemReader }, tap: Tap): unknown[] {
    const items = this.itemsType;
    const out: unknown[] = [];
    let n: number;
    while ((n = readBlockCount(tap)) > 0) {
      while (n--) out.push(items._read(tap));
    }
    return out;
  }
}

class BoundedMapType extends avro.types.MapType {
  _read(this: { valuesType: ItemReader }, tap: Tap): Record<string, unknown> {
    const values = this.valuesType;
    const out: Record<string, unknown> = {};
    let n: number;
    while ((n = readBlockCount(tap)) > 0) {
      while (n--) {
        const key = tap.readString();
        out[key] = values._read(tap);
      }
    }
    return out;
  }
}

interface ContainerSchema {
  type?: unknown;
  items?: unknown;
  values?: unknown;
}

/**
 * avsc `typeHook` that builds arrays and maps with bounded block counts. Arrays of
 * `null` (zero bytes per item) keep avsc's own type, since the bound would be wrong there.
 */
export function boundedContainers(schema: unknown, opts: unknown): avro.Type | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as ContainerSchema;
  if (s.type === 'array' && s.items !== 'null') return new BoundedArrayType(schema as avro.Schema, opts);
  if (s.type === 'map' && s.values !== 'null') return new BoundedMapType(schema as avro.Schema, opts);
  return undefined;
}
