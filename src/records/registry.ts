/**
 * Every Avro schema version under `schemas/<record-name>/v<N>.avsc`, loaded synchronously
 * once. Writers are found by the CRC-64-AVRO fingerprint in a single-object header; the
 * reader of a record name is always its newest version.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { ErrorCode, fatal } from '../errors.js';
import { boundedContainers } from './bounded-containers.js';
import { PlainRecordType } from './plain-record.js';
import { canonicalForm, crc64Avro, fingerprintBytes } from './fingerprint.js';
import { isRecordName, RECORD_NAMES, type RecordName } from './record-names.js';

export interface SchemaVersion {
  readonly name: RecordName;
  readonly version: number;
  readonly type: avro.Type;
  /** 8 bytes, little-endian, as written in the single-object header. */
  readonly fingerprint: Buffer;
  readonly canonicalForm: string;
  readonly path: string;
}

export interface SchemaRegistry {
  /** Every version of `name`, oldest first. */
  versions(name: RecordName): readonly SchemaVersion[];
  newest(name: RecordName): SchemaVersion;
  version(name: RecordName, version: number): SchemaVersion | undefined;
  /** The writer whose fingerprint is at `bytes[offset..offset+8)`, if known. */
  byFingerprint(bytes: Buffer, offset: number): SchemaVersion | undefined;
  /** avsc resolver reading `writer` data as `reader`, built once per pair. */
  resolver(reader: SchemaVersion, writer: SchemaVersion): avro.Resolver;
  all(): readonly SchemaVersion[];
}

/** Records decode to plain objects; arrays and maps reject impossible block counts. */
function typeHook(schema: unknown, opts: unknown): avro.Type | undefined {
  if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'record') {
    return new PlainRecordType(schema as avro.Schema, opts);
  }
  return boundedContainers(schema, opts);
}

/**
 * Plain unions (`X | null`) and the hook above. A fresh object per file: avsc keeps its
 * registry of named types in the options. Writer schemas from elsewhere (a schema
 * registry) are parsed with the same options, so they decode to the same shapes.
 */
export function avroParseOptions(): Partial<avro.ForSchemaOptions> {
  return { wrapUnions: false, omitRecordMethods: true, typeHook };
}

const VERSION_FILE = /^v([1-9][0-9]*)\.avsc$/;

/** Walks up from `fromUrl` to the folder holding both `schemas/` and `package.json`. */
export function findSchemasDir(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw fatal(ErrorCode.INVALID_CONFIG, `no schemas/ folder next to a package.json above ${fileURLToPath(fromUrl)}`, {
        hint: 'reinstall reviewflow: its package ships the schemas/ folder',
      });
    }
    dir = parent;
  }
}

function parseSchemaFile(name: RecordName, version: number, path: string): SchemaVersion {
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(JSON.parse(readFileSync(path, 'utf8')) as avro.Schema, avroParseOptions());
  } catch (err) {
    throw fatal(ErrorCode.INVALID_CONFIG, `schema ${path} does not parse: ${(err as Error).message}`, { cause: err });
  }
  const canonical = canonicalForm(type);
  const fingerprint = fingerprintBytes(crc64Avro(Buffer.from(canonical, 'utf8')));
  return { name, version, type, fingerprint, canonicalForm: canonical, path };
}

function readVersions(schemasDir: string, name: RecordName): SchemaVersion[] {
  const dir = join(schemasDir, name);
  if (!existsSync(dir)) {
    throw fatal(ErrorCode.INVALID_CONFIG, `no schemas for record ${name}: ${dir} is missing`);
  }
  const versions: SchemaVersion[] = [];
  for (const file of readdirSync(dir)) {
    const match = VERSION_FILE.exec(file);
    if (match?.[1] === undefined) continue;
    versions.push(parseSchemaFile(name, Number(match[1]), join(dir, file)));
  }
  if (versions.length === 0) throw fatal(ErrorCode.INVALID_CONFIG, `no v<N>.avsc files in ${dir}`);
  return versions.sort((a, b) => a.version - b.version);
}

/** Loads and indexes every schema under `schemasDir`. Throws INVALID_CONFIG on a bad tree. */
export function loadSchemaRegistry(options: { schemasDir: string }): SchemaRegistry {
  const byName = new Map<RecordName, SchemaVersion[]>();
  for (const entry of readdirSync(options.schemasDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (!isRecordName(entry.name)) {
      throw fatal(ErrorCode.INVALID_CONFIG, `unknown record folder ${join(options.schemasDir, entry.name)}`, {
        hint: 'add the name to RECORD_NAMES in src/records/record-names.ts or remove the folder',
      });
    }
    byName.set(entry.name, readVersions(options.schemasDir, entry.name));
  }
  const missing = RECORD_NAMES.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw fatal(ErrorCode.INVALID_CONFIG, `no schemas for ${missing.join(', ')} in ${options.schemasDir}`);
  }

  // Fingerprint index keyed by the low 32 bits, so a lookup reads two integers and
  // allocates nothing on the decode path.
  const byLow = new Map<number, SchemaVersion[]>();
  const all = [...byName.values()].flat();
  for (const v of all) {
    const low = v.fingerprint.readUInt32LE(0);
    const bucket = byLow.get(low) ?? [];
    const clash = bucket.find((other) => other.fingerprint.equals(v.fingerprint));
    if (clash) throw fatal(ErrorCode.INVALID_CONFIG, `${v.path} and ${clash.path} have the same canonical form`);
    bucket.push(v);
    byLow.set(low, bucket);
  }

  const resolvers = new Map<SchemaVersion, Map<SchemaVersion, avro.Resolver>>();

  function versions(name: RecordName): readonly SchemaVersion[] {
    const found = byName.get(name);
    if (!found) throw fatal(ErrorCode.INVALID_CONFIG, `no schemas for record ${name} in ${options.schemasDir}`);
    return found;
  }

  return {
    versions,
    newest: (name) => versions(name)[versions(name).length - 1] as SchemaVersion,
    version: (name, version) => versions(name).find((v) => v.version === version),
    byFingerprint(bytes, offset) {
      const bucket = byLow.get(bytes.readUInt32LE(offset));
      if (bucket === undefined) return undefined;
      const high = bytes.readUInt32LE(offset + 4);
      for (const v of bucket) if (v.fingerprint.readUInt32LE(4) === high) return v;
      return undefined;
    },
    resolver(reader, writer) {
      let forReader = resolvers.get(reader);
      if (!forReader) resolvers.set(reader, (forReader = new Map()));
      let resolver = forReader.get(writer);
      if (!resolver) {
        try {
          resolver = reader.type.createResolver(writer.type);
        } catch (err) {
          throw fatal(ErrorCode.SCHEMA_INCOMPATIBLE, `${reader.path} cannot read data written with ${writer.path}: ${(err as Error).message}`, {
            cause: err,
            hint: 'give every field added in a newer version a default',
          });
        }
        forReader.set(writer, resolver);
      }
      return resolver;
    },
    all: () => all,
  };
}

let shared: SchemaRegistry | undefined;

/** The registry of the schemas shipped with this package, loaded on first use. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= loadSchemaRegistry({ schemasDir: findSchemasDir() });
  return shared;
}
