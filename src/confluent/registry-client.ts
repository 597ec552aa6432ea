/**
 * The narrow port to a Confluent-compatible schema registry: the only module that imports
 * @kafkajs/confluent-schema-registry. It fetches writer schemas by id (each fetched once,
 * then served from the client's cache) and registers a schema under a subject.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { ErrorCode, ReviewflowError, fatal } from '../errors.js';
import { avroParseOptions } from '../records/index.js';

export interface RegistryClientOptions {
  /** Base URL of the Confluent-compatible API, e.g. http://localhost:8081 or Apicurio's http://host/apis/ccompat/v7. */
  url: string;
  /** How long one lookup may take before the registry counts as unavailable. */
  requestTimeoutMs?: number;
}

/** A writer schema, or why there is none: decoding turns the error into a dead letter. */
export type WriterSchema = { ok: true; type: avro.Type } | { ok: false; error: ReviewflowError };

const NOT_FOUND = 404;
const DEFAULT_TIMEOUT_MS = 10_000;

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export class RegistryClient {
  readonly url: string;
  private readonly registry: SchemaRegistry;
  private readonly timeoutMs: number;

  constructor(o: RegistryClientOptions) {
    this.url = o.url.replace(/\/+$/, '');
    this.timeoutMs = o.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    // one quick retry: a stage waits on these lookups, and a failed record is dead-lettered, not lost
    this.registry = new SchemaRegistry({ host: this.url, clientId: 'reviewflow', retry: { retries: 1, maxRetryTimeInSecs: 1 } }, { [SchemaType.AVRO]: avroParseOptions() });
  }

  /** The writer schema of each id; ids the registry does not know or cannot give come back as errors. */
  async writerSchemas(ids: Iterable<number>): Promise<Map<number, WriterSchema>> {
    const found = new Map<number, WriterSchema>();
    await Promise.all([...new Set(ids)].map(async (id) => found.set(id, await this.writerSchema(id))));
    return found;
  }

  private async writerSchema(id: number): Promise<WriterSchema> {
    let schema: unknown;
    try {
      schema = await this.withTimeout(this.registry.getSchema(id), `schema id ${id}`);
    } catch (err) {
      return { ok: false, error: this.lookupError(id, err) };
    }
    if (!avro.Type.isType(schema)) {
      return { ok: false, error: fatal(ErrorCode.SCHEMA_INCOMPATIBLE, `schema id ${id} in the registry at ${this.url} is not an Avro schema`, { hint: 'the ingest topic reads Avro (or JSON text, or reviewflow single-object records)', details: { schemaId: id } }) };
    }
    return { ok: true, type: schema as avro.Type };
  }

  private lookupError(id: number, err: unknown): ReviewflowError {
    if (err instanceof ReviewflowError) return err;
    if (statusOf(err) === NOT_FOUND) {
      return fatal(ErrorCode.UNKNOWN_SCHEMA_ID, `unknown schema id ${id}: the registry at ${this.url} has no schema with that id`, {
        cause: err,
        hint: 'produce with a serializer that registers its schema in the registry this topology names (schemaRegistry.url)',
        details: { schemaId: id },
      });
    }
    return new ReviewflowError(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, `schema registry at ${this.url} did not give schema id ${id}: ${(err as Error).message}`, {
      retriable: true,
      cause: err,
      hint: 'check that the registry runs and schemaRegistry.url is right; these records can be replayed from the dead-letter topic',
      details: { schemaId: id },
    });
  }

  /** Registers `schema` under `subject` (or finds it there) and returns its id. */
  async register(subject: string, schema: avro.Schema): Promise<number> {
    try {
      const { id } = await this.withTimeout(this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject }), `registering ${subject}`);
      return id;
    } catch (err) {
      if (err instanceof ReviewflowError) throw err;
      throw new ReviewflowError(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, `cannot register the schema under subject ${subject} at ${this.url}: ${(err as Error).message}`, {
        retriable: statusOf(err) === undefined || statusOf(err)! >= 500,
        cause: err,
        hint: 'check the registry URL (for Apicurio: http://host:port/apis/ccompat/v7) and that the subject accepts this schema',
      });
    }
  }

  private async withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReviewflowError(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, `schema registry at ${this.url} gave no answer for ${what} within ${this.timeoutMs} ms`, { retriable: true })), this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
