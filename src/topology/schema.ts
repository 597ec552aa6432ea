import { z } from 'zod';

/**
 * The one schema of a topology file. Types are inferred from it; stage options are
 * checked against each stage kind's own schema in validate.ts.
 */

const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'topic names use letters, digits, ".", "_" and "-" (at most 249)');

export const topicSchema = z
  .object({
    partitions: z.number().int().min(1).max(10_000).default(3),
    replication: z.number().int().min(1).max(7).default(1),
    /** How long records are kept; -1 keeps them forever. */
    retentionMs: z.number().int().min(-1).optional(),
    /** Compacted topics keep the latest record per key (models, changelogs). */
    compaction: z.boolean().default(false),
    /** Extra topic configs passed to Kafka as they are. */
    config: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const saslSchema = z
  .object({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    username: z.string().min(1),
    password: z.string().min(1),
  })
  .strict();

const tlsSchema = z
  .object({
    /** Paths to PEM files, relative to the topology file. */
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    rejectUnauthorized: z.boolean().default(true),
    servername: z.string().optional(),
  })
  .strict();

export const brokerSchema = z
  .object({
    /** host:port list. Empty: KAFKA_BROKERS, else the embedded broker. */
    brokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'a broker is host:port')).default([]),
    clientId: z.string().min(1).default('reviewflow'),
    sasl: saslSchema.optional(),
    tls: tlsSchema.optional(),
    connectionTimeoutMs: z.number().int().min(100).max(120_000).default(3_000),
    requestTimeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
  })
  .strict();

/**
 * A Confluent-compatible schema registry: where the writer schemas of Avro records in
 * Confluent's wire format (magic byte 0 + schema id) on the ingest topic are looked up.
 */
export const schemaRegistrySchema = z
  .object({
    /** Base URL of its Confluent API, e.g. http://registry:8081 (Apicurio: http://host:port/apis/ccompat/v7). */
    url: z
      .string()
      .url('the schema registry url is a full URL such as http://localhost:8081')
      .regex(/^https?:\/\//, 'the schema registry url starts with http:// or https://'),
    /**
     * How long one schema lookup may take before its records are dead-lettered as
     * SCHEMA_REGISTRY_UNAVAILABLE. The stage waits on it inside a batch, so it stays well
     * under a group's session timeout (30 s by default).
     */
    requestTimeoutMs: z.number().int().min(100).max(20_000).default(10_000),
  })
  .strict();

export const stageSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'stage ids are lower-case letters, digits and "-"'),
    /** Which kind of stage: a built-in kind (clean, augment, gate, train) or a user's module, `./my-stage.js#name`. */
    kind: z.string().min(1),
    input: topicName,
    output: topicName,
    /** Gate rejections (with reason codes). */
    quarantine: topicName.optional(),
    /** Undecodable or poison records, original bytes kept. */
    deadLetter: topicName.optional(),
    /** Windowed data-quality metrics. */
    quality: topicName.optional(),
    /** Consumer group; default `<topology name>.<stage id>`. */
    group: z.string().min(1).optional(),
    instances: z.number().int().min(1).max(64).default(1),
    /** At most this many records per chunk handed to the transform (bounded memory per partition); at-least-once a chunk also ends before its outputs pass one produce request's 512 KiB per partition. */
    batchSize: z.number().int().min(1).max(100_000).default(2_000),
    /**
     * How long the group waits for a silent member before moving its partitions. Lower
     * means faster failover after a crash, higher tolerates longer pauses (broker bounds: 6 s to 30 min).
     */
    sessionTimeoutMs: z.number().int().min(6_000).max(1_800_000).default(30_000),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const topologySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'topology names are lower-case letters, digits and "-"'),
    description: z.string().optional(),
    broker: brokerSchema.default({}),
    delivery: z.enum(['at-least-once', 'exactly-once']).default('at-least-once'),
    /**
     * Fuse consecutive stages that run in one process: records pass between them in
     * memory and the topics between them stay empty (see src/runtime/fusion.ts).
     */
    fuse: z.boolean().default(false),
    /** The topic `produce` writes to. */
    ingest: topicName,
    /** Needed only to read schema-registry Avro (Confluent wire format) from the ingest topic. */
    schemaRegistry: schemaRegistrySchema.optional(),
    topics: z.record(topicName, topicSchema),
    stages: z.array(stageSchema).min(1),
  })
  .strict();

export type TopicConfig = z.output<typeof topicSchema>;
export type BrokerConfig = z.output<typeof brokerSchema>;
export type SchemaRegistryConfig = z.output<typeof schemaRegistrySchema>;
/** A topology as the schema reads it: a stage's `group` may still be absent. */
export type ParsedTopology = z.output<typeof topologySchema>;
/** A stage after validation, which fills in `group` (default `<topology name>.<stage id>`). */
export type StageConfig = Omit<z.output<typeof stageSchema>, 'group'> & { group: string };
export type TopologyConfig = Omit<ParsedTopology, 'stages'> & { stages: StageConfig[] };
