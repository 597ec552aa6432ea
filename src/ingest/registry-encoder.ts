/**
 * Encodes ingest records in Confluent's wire format for readers that use a schema
 * registry: the newest review-raw schema is registered (or found) under the subject, and
 * each record becomes magic byte 0, that schema's id, and the Avro body.
 */
import { readFileSync } from 'node:fs';
import type avro from 'avsc';
import { frameConfluent, type RegistryClient } from '../confluent/index.js';
import { encodeBody, schemaRegistry } from '../records/index.js';
import type { RawReview } from '../records/types.js';

export type ValueEncoder = (record: RawReview) => Buffer;

/** The subject a topic's record values are registered under (Confluent's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export async function registryValueEncoder(o: { client: RegistryClient; subject: string }): Promise<{ encode: ValueEncoder; schemaId: number }> {
  // the schema file as written (docs and defaults kept: other readers resolve against it)
  const schema = JSON.parse(readFileSync(schemaRegistry().newest('review-raw').path, 'utf8')) as avro.Schema;
  const schemaId = await o.client.register(o.subject, schema);
  return { encode: (record) => frameConfluent(schemaId, encodeBody('review-raw', record)), schemaId };
}
