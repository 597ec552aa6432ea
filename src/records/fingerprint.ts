/**
 * CRC-64-AVRO (the Rabin fingerprint of the Avro specification) over a schema's Parsing
 * Canonical Form. It runs once per schema at load time, so it favours clarity: BigInt
 * arithmetic, one table built on first use.
 */
import type avro from 'avsc';

const EMPTY = 0xc15d213aa4d7a795n;
const MASK_64 = 0xffffffffffffffffn;

let table: BigUint64Array | undefined;

function fingerprintTable(): BigUint64Array {
  if (table) return table;
  table = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) {
      // `EMPTY & -(fp & 1)` in the spec's Java: xor the polynomial in when the low bit is set.
      fp = (fp >> 1n) ^ ((fp & 1n) === 1n ? EMPTY : 0n);
    }
    table[i] = fp;
  }
  return table;
}

/** The 64-bit CRC-64-AVRO of `bytes`, as an unsigned BigInt. */
export function crc64Avro(bytes: Uint8Array): bigint {
  const t = fingerprintTable();
  let fp = EMPTY;
  for (const byte of bytes) {
    fp = ((fp >> 8n) ^ (t[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n)) & MASK_64;
  }
  return fp;
}

/**
 * The Parsing Canonical Form of a parsed type. avsc's `schema()` without `exportAttrs`
 * already applies the canonical rules (full names, only name/type/fields/symbols/items/
 * values/size in that order, no doc/default/aliases/logicalType, primitives as bare
 * strings, named types written once), so compact JSON of it is the canonical text.
 */
export function canonicalForm(type: avro.Type): string {
  return JSON.stringify(type.schema());
}

/** The fingerprint as the 8 little-endian bytes the single-object header carries. */
export function fingerprintBytes(fp: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(fp);
  return out;
}

/** CRC-64-AVRO of the canonical form of `type`, as header bytes. */
export function fingerprintOfType(type: avro.Type): Buffer {
  return fingerprintBytes(crc64Avro(Buffer.from(canonicalForm(type), 'utf8')));
}
