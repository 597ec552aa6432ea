import { putInModuleCache } from './module-cache.js';

/**
 * Encodes a produce request in one pass into one buffer, byte for byte what kafkajs 2.2.4
 * sends. kafkajs builds every record in a zero-filled 512-byte buffer of its own, each
 * varint through a temporary array, then copies the records into a batch that grows by
 * doubling, and the batch into four more nested buffers, one per level of the request;
 * its CRC-32C goes a byte at a time. On a raw pass-through that was about half of the
 * process's CPU per record. Only uncompressed requests with the value types kafkajs
 * documents are encoded here; anything else goes to kafkajs's own encoder, as before.
 */

// kafkajs's internals, as far as this file uses them
interface KafkajsLong {
  getHighBits(): number;
  getLowBits(): number;
}
interface LongClass {
  fromValue(value: unknown): KafkajsLong;
  fromInt(value: number): KafkajsLong;
}
interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
}
type HeaderValue = Buffer | string | null;
interface ProduceMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[] | undefined>;
  timestamp?: string | number;
}
interface PartitionData {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}
export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: Array<{ topic: string; partitions: PartitionData[] }>;
}
interface ProduceRequest {
  encode(): Promise<KafkajsEncoder>;
}

const MAGIC_BYTE = 2;
const TRANSACTIONAL = 16;
const NO_COMPRESSION = 0;
/** A batch's fields from its attributes to its first sequence, which the CRC covers. */
const BATCH_FIELDS_AFTER_CRC = 2 + 4 + 8 + 8 + 8 + 2 + 4;

// CRC-32C (Castagnoli), eight bytes a step
const CRC_TABLES = ((): Int32Array[] => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    tables[0]![n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0]![n]!;
    for (let t = 1; t < 8; t++) {
      c = tables[0]![c & 0xff]! ^ (c >>> 8);
      tables[t]![n] = c;
    }
  }
  return tables;
})();

export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc = t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^ t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!;
  }
  for (; i < end; i++) crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const isInt32 = (v: unknown): v is number => typeof v === 'number' && (v | 0) === v;
const zigZag = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;

function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    n++;
    v >>>= 7;
  }
  return n;
}

function byteLength(v: Buffer | string): number {
  return typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
}

/** A key, value or header field kafkajs would write as varint-length bytes (null: length -1). */
function isBytes(v: unknown): v is Buffer | string | null {
  return v === null || typeof v === 'string' || Buffer.isBuffer(v);
}

/** What one partition's record batch needs, worked out before anything is written. */
interface PlannedBatch {
  partition: number;
  firstSequence: number;
  firstTimestamp: unknown;
  maxTimestamp: unknown;
  records: PlannedRecord[];
  /** Bytes of the batch from its partition leader epoch to its last record. */
  batchBytes: number;
}
interface PlannedRecord {
  message: ProduceMessage;
  timestampDelta: number;
  headers: HeaderValue[];
  body: number;
}

function planRecord(message: ProduceMessage, offsetDelta: number, timestampDelta: number): PlannedRecord | undefined {
  const key = message.key ?? null;
  if (!isBytes(key) || !isBytes(message.value) || !isInt32(timestampDelta)) return undefined;
  const headers: HeaderValue[] = []; // key, value, key, value…
  for (const name of Object.keys(message.headers ?? {})) {
    const value = message.headers![name];
    for (const v of Array.isArray(value) ? value : [value]) {
      // kafkajs fails on other header values while sizing them; let it say so
      if (!isBytes(v) || v === null) return undefined;
      headers.push(name, v);
    }
  }
  let body = 1 + uvarintSize(zigZag(timestampDelta)) + uvarintSize(zigZag(offsetDelta));
  for (const field of [key, message.value]) body += field === null ? 1 : uvarintSize(zigZag(byteLength(field))) + byteLength(field);
  body += uvarintSize(zigZag(headers.length / 2));
  for (const field of headers) body += uvarintSize(zigZag(byteLength(field!))) + byteLength(field!);
  return { message, timestampDelta, headers, body };
}

function planBatch(data: PartitionData): PlannedBatch | undefined {
  const dateNow = Date.now();
  // as kafkajs: the messages' own timestamps, sorted as it sorts them, else now
  const stamps = data.messages.map((m) => m.timestamp).filter((t) => t != null);
  stamps.sort();
  const firstTimestamp = stamps.length === 0 ? dateNow : stamps[0];
  const maxTimestamp = stamps.length === 0 ? dateNow : stamps[stamps.length - 1];
  const records: PlannedRecord[] = [];
  let recordBytes = 0;
  for (const [i, message] of data.messages.entries()) {
    const delta = ((message.timestamp || dateNow) as number) - (firstTimestamp as number);
    const record = planRecord(message, i, delta);
    if (!record) return undefined;
    records.push(record);
    recordBytes += uvarintSize(zigZag(record.body)) + record.body;
  }
  // leader epoch, magic byte, CRC, the fields after it, the record count, the records
  const batchBytes = 4 + 1 + 4 + BATCH_FIELDS_AFTER_CRC + 4 + recordBytes;
  return { partition: data.partition, firstSequence: data.firstSequence ?? 0, firstTimestamp, maxTimestamp, records, batchBytes };
}

/** Writes into one exactly sized buffer. */
class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  int8(v: number): void {
    this.buf.writeInt8(v, this.offset);
    this.offset += 1;
  }
  int16(v: number): void {
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
  }
  int32(v: number): void {
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
  }
  int64(v: KafkajsLong): void {
    this.buf.writeInt32BE(v.getHighBits(), this.offset);
    this.buf.writeInt32BE(v.getLowBits(), this.offset + 4);
    this.offset += 8;
  }
  uvarint(v: number): void {
    const buf = this.buf;
    while (v >= 0x80) {
      buf[this.offset++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.offset++] = v;
  }
  /** kafkajs's varint-length bytes: a string as UTF-8, null as length -1. */
  varBytes(v: Buffer | string | null): void {
    if (v === null) return this.uvarint(1);
    if (typeof v === 'string') {
      const n = Buffer.byteLength(v, 'utf8');
      this.uvarint(zigZag(n));
      this.offset += this.buf.write(v, this.offset, n, 'utf8');
    } else {
      this.uvarint(zigZag(v.length));
      this.offset += v.copy(this.buf, this.offset);
    }
  }
  /** A nullable INT16-length string. */
  string(v: string | null): void {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, 'utf8');
    this.int16(n);
    this.offset += this.buf.write(v, this.offset, n, 'utf8');
  }
}

const stringBytes = (v: string | null): number => 2 + (v === null ? 0 : Buffer.byteLength(v, 'utf8'));

/** The request body kafkajs's produce v3 `encode` returns, or undefined where only kafkajs's own encoder will do. */
export function encodeProduceRequest(args: ProduceRequestArgs, Long: LongClass): Buffer | undefined {
  if ((args.compression ?? NO_COMPRESSION) !== NO_COMPRESSION) return undefined;
  const transactionalId = args.transactionalId ?? null;
  const topics: Array<{ topic: string; batches: PlannedBatch[] }> = [];
  let size = stringBytes(transactionalId) + 2 + 4 + 4;
  for (const { topic, partitions } of args.topicData) {
    const batches: PlannedBatch[] = [];
    size += stringBytes(topic) + 4;
    for (const data of partitions) {
      const batch = planBatch(data);
      if (!batch) return undefined;
      batches.push(batch);
      size += 4 + 4 + 8 + 4 + batch.batchBytes;
    }
    topics.push({ topic, batches });
  }
  const producerId = Long.fromValue(args.producerId ?? Long.fromInt(-1));
  const w = new Writer(Buffer.allocUnsafe(size));
  w.string(transactionalId);
  w.int16(args.acks);
  w.int32(args.timeout);
  w.int32(topics.length);
  for (const { topic, batches } of topics) {
    w.string(topic);
    w.int32(batches.length);
    for (const batch of batches) {
      w.int32(batch.partition);
      w.int32(8 + 4 + batch.batchBytes); // the record set: first offset, length, batch
      w.int64(Long.fromInt(0));
      w.int32(batch.batchBytes);
      w.int32(0); // partition leader epoch
      w.int8(MAGIC_BYTE);
      const crcAt = w.offset;
      w.offset += 4;
      w.int16(transactionalId ? TRANSACTIONAL : 0); // kafkajs: transactional when the id is truthy
      w.int32(batch.records.length - 1);
      w.int64(Long.fromValue(batch.firstTimestamp));
      w.int64(Long.fromValue(batch.maxTimestamp));
      w.int64(producerId);
      w.int16(args.producerEpoch ?? 0);
      w.int32(batch.firstSequence);
      w.int32(batch.records.length);
      for (const [i, r] of batch.records.entries()) {
        w.uvarint(zigZag(r.body));
        w.int8(0); // record attributes
        w.uvarint(zigZag(r.timestampDelta));
        w.uvarint(zigZag(i));
        w.varBytes(r.message.key ?? null);
        w.varBytes(r.message.value);
        w.uvarint(zigZag(r.headers.length / 2));
        for (const field of r.headers) w.varBytes(field);
      }
      w.buf.writeUInt32BE(crc32c(w.buf, crcAt + 4, w.offset), crcAt);
    }
  }
  if (w.offset !== size) throw new Error(`produce request encoding: wrote ${w.offset} bytes of ${size} planned (a reviewflow bug)`);
  return w.buf;
}

const V3_REQUEST = 'kafkajs/src/protocol/requests/produce/v3/request.js';
const LATER_REQUESTS = [4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request.js`);

/**
 * Puts a produce v3 request (which kafkajs's v4 to v7 build on) whose `encode` is
 * `encodeProduceRequest` into Node's module cache, falling back to kafkajs's own. kafkajs
 * loads its produce requests at the first produce, so this works until then.
 */
export function installProduceEncoding(require: NodeJS.Require): 'installed' | 'too-late' | 'unsupported' {
  let v3Path: string;
  let Encoder: { prototype: object };
  let Long: LongClass;
  try {
    v3Path = require.resolve(V3_REQUEST);
    if (LATER_REQUESTS.some((path) => require.cache[require.resolve(path)])) return 'too-late';
    Encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: object };
    Long = require('kafkajs/src/utils/long.js') as LongClass;
  } catch {
    return 'unsupported';
  }
  const cached = require.cache[v3Path];
  if (cached && (cached.exports as { onePass?: boolean }).onePass) return 'installed';
  const kafkajsV3 = require(V3_REQUEST) as (args: ProduceRequestArgs) => ProduceRequest;
  const onePass = Object.assign(
    (args: ProduceRequestArgs): ProduceRequest => {
      const request = kafkajsV3(args);
      const kafkajsEncode = request.encode;
      return Object.assign(request, {
        encode: async (): Promise<KafkajsEncoder> => {
          const buf = encodeProduceRequest(args, Long);
          if (!buf) return kafkajsEncode();
          // an encoder as kafkajs's request framing reads one: its buffer, written to the end
          return Object.assign(Object.create(Encoder.prototype) as KafkajsEncoder, { buf, offset: buf.length });
        },
      });
    },
    { onePass: true },
  );
  putInModuleCache(require, v3Path, onePass);
  return 'installed';
}
