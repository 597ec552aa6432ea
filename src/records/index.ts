/** Record shapes, Avro schemas and the single-object codec for every topic. */
export * from './types.js';
export { decode, decodeAny, decodeWithWriter, encode, encodeBody, encodeWith, fingerprintOf, isRecordName, RECORD_NAMES } from './codec.js';
export type { DecodedRecord, RecordName, RecordTypes } from './codec.js';
export { avroParseOptions, findSchemasDir, loadSchemaRegistry, schemaRegistry } from './registry.js';
export type { SchemaRegistry, SchemaVersion } from './registry.js';
export { canonicalForm, crc64Avro } from './fingerprint.js';
