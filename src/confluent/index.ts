/** Confluent's wire format and the port to a Confluent-compatible schema registry. */
export { CONFLUENT_HEADER_BYTES, CONFLUENT_MAGIC, confluentSchemaId, confluentSchemaIds, frameConfluent, isConfluentFramed } from './wire-format.js';
export { RegistryClient, type RegistryClientOptions, type WriterSchema } from './registry-client.js';
