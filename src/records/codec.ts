/**
 * Avro single-object encoding: `C3 01`, the writer schema's 8-byte little-endian
 * CRC-64-AVRO fingerprint, then the Avro binary body. Readers find the writer by
 * fingerprint and resolve it into the newest version of the record they expect.
 */
import type avro from 'avsc';
import { ErrorCode, fatal, type ReviewflowError } from '../errors.js';
import type { RecordName, RecordTypes } from './record-names.js';
import { schemaRegistry, type SchemaVersion } from './registry.js';

export { RECORD_NAMES, isRecordName, type RecordName, type RecordTypes } from './record-names.js';

const MAGIC_0 = 0xc3;
const MAGIC_1 = 0x01;
const HEADER_BYTES = 10;
const MAX_REPORTED_PATHS = 5;

/** A record decoded without knowing its kind in advance; narrow on `name`. */
export type DecodedRecord = {
  [N in RecordName]: {
    name: N;
    /** The writer's schema version; `value` always has the newest reader's shape. */
    version: number;
    value: RecordTypes[N];
  };
}[RecordName];

// One growing scratch buffer for encoding, so each record costs one allocation and
// one copy. Safe because encoding is synchronous.
let scratch = Buffer.allocUnsafe(16 * 1024);

function invalidRecord(schema: SchemaVersion, value: unknown, cause: unknown): ReviewflowError {
  const failures: string[] = [];
  schema.type.isValid(value, {
    errorHook(path, got, type) {
      if (failures.length < MAX_REPORTED_PATHS) {
        failures.push(`${path.join('.') || '(root)'} (expected ${String(type.typeName)}, got ${describeValue(got)})`);
      }
    },
  });
  const where = failures.length > 0 ? failures.join('; ') : (cause as Error).message;
  return fatal(ErrorCode.INVALID_RECORD, `${schema.name} v${schema.version}: invalid field ${where}`, {
    cause,
    details: { record: schema.name, version: schema.version, fields: failures },
  });
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  return typeof value === 'object' ? 'object' : `${typeof value} ${String(value)}`;
}

function encodeVersion(schema: SchemaVersion, value: unknown): Buffer {
  let end: number;
  try {
    end = schema.type.encode(value, scratch, HEADER_BYTES);
    while (end < 0) {
      // avsc returns minus the bytes it lacked; grow to fit and write again.
      scratch = Buffer.allocUnsafe(Math.max(2 * scratch.length, scratch.length - end));
      end = schema.type.encode(value, scratch, HEADER_BYTES);
    }
  } catch (err) {
    throw invalidRecord(schema, value, err);
  }
  const out = Buffer.allocUnsafe(end);
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  schema.fingerprint.copy(out, 2);
  scratch.copy(out, HEADER_BYTES, HEADER_BYTES, end);
  return out;
}

/** Encodes `value` with the newest schema version of `name`. Throws INVALID_RECORD. */
export function encode<N extends RecordName>(name: N, value: RecordTypes[N]): Buffer {
  return encodeVersion(schemaRegistry().newest(name), value);
}

/**
 * The Avro body alone, without a single-object header, with the newest schema of `name`:
 * for framings other than ours (Confluent's wire format). Throws INVALID_RECORD.
 */
export function encodeBody<N extends RecordName>(name: N, value: RecordTypes[N]): Buffer {
  const schema = schemaRegistry().newest(name);
  try {
    return schema.type.toBuffer(value);
  } catch (err) {
    throw invalidRecord(schema, value, err);
  }
}

/** Encodes with a given (possibly old) schema version: for evolution tests and tools. */
export function encodeWith<N extends RecordName>(name: N, version: number, value: unknown): Buffer {
  const schema = schemaRegistry().version(name, version);
  if (!schema) {
    throw fatal(ErrorCode.UNKNOWN_FINGERPRINT, `no schema ${name} v${version}`, {
      hint: `known versions: ${schemaRegistry().versions(name).map((v) => v.version).join(', ')}`,
    });
  }
  return encodeVersion(schema, value);
}

/** The writer schema named in a single-object header. */
function writerOf(bytes: Buffer): SchemaVersion {
  if (bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
    throw fatal(ErrorCode.NOT_SINGLE_OBJECT, `not an Avro single-object record (${bytes.length} bytes, starts ${bytes.subarray(0, 2).toString('hex') || 'empty'})`, {
      hint: 'records on reviewflow topics start with C3 01 and a schema fingerprint; was this produced by reviewflow?',
    });
  }
  const writer = schemaRegistry().byFingerprint(bytes, 2);
  if (!writer) {
    const hex = bytes.subarray(2, HEADER_BYTES).toString('hex');
    throw fatal(ErrorCode.UNKNOWN_FINGERPRINT, `unknown schema fingerprint ${hex}: the writer's schema may be newer than this reader`, {
      hint: 'upgrade reviewflow on this consumer to a version that ships the writer schema',
      details: { fingerprint: hex },
    });
  }
  return writer;
}

/** `bytes` from `offset` on is one Avro body; `writer` names its schema in error messages. */
function readBody(o: { reader: SchemaVersion; resolver: avro.Resolver | undefined; writer: string; bytes: Buffer; offset: number }): unknown {
  const { bytes, writer } = o;
  let decoded: { value: unknown; offset: number };
  try {
    decoded = o.reader.type.decode(bytes, o.offset, o.resolver);
  } catch (err) {
    throw fatal(ErrorCode.CORRUPT_BODY, `${writer} body does not decode: ${(err as Error).message}`, { cause: err });
  }
  if (decoded.offset !== bytes.length) {
    const what = decoded.offset < 0 ? 'is truncated' : `has ${bytes.length - decoded.offset} trailing bytes`;
    throw fatal(ErrorCode.CORRUPT_BODY, `${writer} body ${what}`);
  }
  return decoded.value;
}

function readSingleObject(reader: SchemaVersion, writer: SchemaVersion, bytes: Buffer): unknown {
  const resolver = reader === writer ? undefined : schemaRegistry().resolver(reader, writer);
  return readBody({ reader, resolver, writer: `${writer.name} v${writer.version}`, bytes, offset: HEADER_BYTES });
}

// Resolvers into the newest reader for writer schemas that came from outside (a schema registry)
const foreignResolvers = new WeakMap<avro.Type, { reader: SchemaVersion; resolver: avro.Resolver }>();

function foreignResolver(name: RecordName, writer: avro.Type, writerLabel: string): { reader: SchemaVersion; resolver: avro.Resolver } {
  const reader = schemaRegistry().newest(name);
  const known = foreignResolvers.get(writer);
  if (known?.reader === reader) return known;
  let resolver: avro.Resolver;
  try {
    resolver = reader.type.createResolver(writer);
  } catch (err) {
    throw fatal(ErrorCode.SCHEMA_INCOMPATIBLE, `${writerLabel} cannot be read as ${name} v${reader.version}: ${(err as Error).message}`, {
      cause: err,
      hint: `write with a schema that ${name} v${reader.version} can resolve (schemas/${name}/ has every version)`,
    });
  }
  const entry = { reader, resolver };
  foreignResolvers.set(writer, entry);
  return entry;
}

/**
 * Decodes an Avro body at `bytes[offset..]` written with `writer`, a schema this package
 * does not ship (one from a schema registry), into the newest shape of `name`, resolving
 * writer into reader as for single-object records. `writerLabel` names the writer in errors.
 */
export function decodeWithWriter<N extends RecordName>(name: N, o: { writer: avro.Type; writerLabel: string; bytes: Buffer; offset: number }): RecordTypes[N] {
  const { reader, resolver } = foreignResolver(name, o.writer, o.writerLabel);
  return readBody({ reader, resolver, writer: o.writerLabel, bytes: o.bytes, offset: o.offset }) as RecordTypes[N];
}

/** Decodes a record of kind `name`, written with any known version, into the newest shape. */
export function decode<N extends RecordName>(name: N, bytes: Buffer): RecordTypes[N] {
  const writer = writerOf(bytes);
  if (writer.name !== name) {
    throw fatal(ErrorCode.SCHEMA_INCOMPATIBLE, `expected a ${name} record but the writer schema is ${writer.name} v${writer.version}`, {
      hint: 'check which topic this consumer reads',
    });
  }
  return readSingleObject(schemaRegistry().newest(name), writer, bytes) as RecordTypes[N];
}

/** Decodes a record of whatever kind its fingerprint names (for `consume` and models.updates). */
export function decodeAny(bytes: Buffer): DecodedRecord {
  const writer = writerOf(bytes);
  const value = readSingleObject(schemaRegistry().newest(writer.name), writer, bytes);
  return { name: writer.name, version: writer.version, value } as DecodedRecord;
}

/** The 8 header bytes identifying `name` at `version` (default: newest). */
export function fingerprintOf(name: RecordName, version?: number): Buffer {
  const registry = schemaRegistry();
  const schema = version === undefined ? registry.newest(name) : registry.version(name, version);
  if (!schema) throw fatal(ErrorCode.UNKNOWN_FINGERPRINT, `no schema ${name} v${String(version)}`);
  return Buffer.from(schema.fingerprint);
}
