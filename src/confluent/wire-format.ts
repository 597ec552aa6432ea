/**
 * Confluent's wire format, what Kafka clients with a schema-registry serializer write
 * (confluent-kafka, the Java KafkaAvroSerializer, @kafkajs/confluent-schema-registry):
 * magic byte 0, the writer schema's registry id as a 4-byte big-endian integer, then the
 * Avro body. Pure: finding the schema behind the id is registry-client.ts's job.
 */
import { ErrorCode, fatal } from '../errors.js';

export const CONFLUENT_MAGIC = 0x00;
export const CONFLUENT_HEADER_BYTES = 5;

/**
 * A value in Confluent's wire format starts with byte 0, which neither a single-object
 * record (0xC3) nor JSON text can start with; a shorter one is still ours to reject.
 */
export function isConfluentFramed(value: Buffer): boolean {
  return value.length > 0 && value[0] === CONFLUENT_MAGIC;
}

/** The registry id of the writer schema. Throws CORRUPT_BODY when the header is cut short. */
export function confluentSchemaId(value: Buffer): number {
  if (!isConfluentFramed(value) || value.length < CONFLUENT_HEADER_BYTES) {
    throw fatal(ErrorCode.CORRUPT_BODY, `not a Confluent wire-format record: ${value.length} bytes, a header needs magic byte 0 and a 4-byte schema id`, {
      hint: 'produce with a schema-registry serializer (magic byte 0, schema id, Avro body)',
    });
  }
  return value.readUInt32BE(1);
}

/** Every distinct schema id in these values, for fetching their schemas ahead of decoding. */
export function confluentSchemaIds(values: Iterable<Buffer | null>): number[] {
  const ids = new Set<number>();
  for (const value of values) if (value && isConfluentFramed(value) && value.length >= CONFLUENT_HEADER_BYTES) ids.add(value.readUInt32BE(1));
  return [...ids];
}

/** Magic byte, schema id, body. */
export function frameConfluent(schemaId: number, body: Buffer): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffff_ffff) throw fatal(ErrorCode.INVALID_RECORD, `schema id ${schemaId} does not fit 4 bytes`);
  const out = Buffer.allocUnsafe(CONFLUENT_HEADER_BYTES + body.length);
  out[0] = CONFLUENT_MAGIC;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, CONFLUENT_HEADER_BYTES);
  return out;
}
