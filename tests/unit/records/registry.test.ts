import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type avro from 'avsc';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, hasCode } from '../../../src/errors.js';
import { findSchemasDir, loadSchemaRegistry, RECORD_NAMES, schemaRegistry } from '../../../src/records/index.js';
import { sampleRecords } from './fixtures.js';

interface Field {
  name: string;
  type: avro.Type;
}

/** Field names of a record type, recursing into nested records and nullable records. */
function shapeOf(type: avro.Type): unknown {
  const t = type as unknown as { typeName: string; fields?: Field[]; types?: avro.Type[]; itemsType?: avro.Type };
  if (t.typeName === 'record') return Object.fromEntries((t.fields ?? []).map((f) => [f.name, shapeOf(f.type)]));
  if (t.typeName === 'array' && t.itemsType) return [shapeOf(t.itemsType)];
  return t.typeName;
}

/** The same shape read from a value typed by src/records/types.ts. */
function shapeOfValue(value: unknown, like: unknown): unknown {
  if (Array.isArray(like)) return [shapeOfValue((value as unknown[])[0], like[0])];
  if (typeof like === 'object' && like !== null) {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).map((k) => [k, shapeOfValue(obj[k], (like as Record<string, unknown>)[k])]));
  }
  return like;
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function schemaTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rf-schemas-'));
  temps.push(root);
  for (const name of RECORD_NAMES) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'v1.avsc'), readFileSync(join(findSchemasDir(), name, 'v1.avsc')));
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The INVALID_CONFIG message loading `schemasDir` gives, or undefined when it loads. */
function loadError(schemasDir: string): string | undefined {
  try {
    loadSchemaRegistry({ schemasDir });
  } catch (err) {
    if (hasCode(err, ErrorCode.INVALID_CONFIG)) return err.message;
    throw err;
  }
  return undefined;
}

describe('schema registry', () => {
  it('registry finds schemas/ from a module under dist/src/records as well as src/records', () => {
    const fromSrc = findSchemasDir();
    const fakeDist = pathToFileURL(join(fromSrc, '..', 'dist', 'src', 'records', 'registry.js')).href;
    expect(findSchemasDir(fakeDist)).toBe(fromSrc);
  });

  it('registry loads every record name with namespace dev.reviewflow', () => {
    for (const name of RECORD_NAMES) {
      for (const v of schemaRegistry().versions(name)) {
        expect(v.type.name, v.path).toMatch(/^dev\.reviewflow\.[A-Z]\w+$/);
        expect(v.fingerprint).toHaveLength(8);
      }
    }
  });

  it.each(RECORD_NAMES.map((n) => [n]))('registry newest %s schema mirrors the TypeScript type field by field', (name) => {
    const newest = schemaRegistry().newest(name);
    const shape = shapeOf(newest.type);
    expect(shapeOfValue(sampleRecords()[name], shape)).toEqual(shape);
  });

  it('registry quarantine schema embeds the newest Review', () => {
    const quarantine = schemaRegistry().newest('quarantine').type as unknown as { fields: Field[] };
    const embedded = quarantine.fields.find((f) => f.name === 'review');
    expect(JSON.stringify(embedded?.type.schema())).toBe(schemaRegistry().newest('review').canonicalForm);
  });

  it('registry finds a writer by its header bytes and nothing for others', () => {
    const v1 = schemaRegistry().version('review-raw', 1);
    const header = Buffer.concat([Buffer.from([0xc3, 0x01]), v1?.fingerprint ?? Buffer.alloc(8)]);
    expect(schemaRegistry().byFingerprint(header, 2)).toBe(v1);
    header[9] = (header[9] ?? 0) ^ 1;
    expect(schemaRegistry().byFingerprint(header, 2)).toBeUndefined();
  });

  it('registry rejects an unknown record folder, a bad schema and a duplicate version', () => {
    expect(loadError(schemaTree({}))).toBeUndefined();
    expect(loadError(schemaTree({ 'reviews-typo/v1.avsc': '"string"' }))).toMatch(/unknown record folder .*reviews-typo/);
    const broken = '{"type":"record","name":"X","fields":[{"name":"a"}]}';
    expect(loadError(schemaTree({ 'review/v2.avsc': broken }))).toMatch(/review\/v2\.avsc does not parse/);
    const same = readFileSync(join(findSchemasDir(), 'review', 'v1.avsc'), 'utf8').replace('"doc"', '"x-note"');
    expect(loadError(schemaTree({ 'review/v2.avsc': same }))).toMatch(/have the same canonical form/);
  });

  it('registry reports an added field without a default as SCHEMA_INCOMPATIBLE', () => {
    const v1 = JSON.parse(readFileSync(join(findSchemasDir(), 'model-chunk', 'v1.avsc'), 'utf8')) as { fields: unknown[] };
    v1.fields.push({ name: 'crc', type: 'long' });
    const registry = loadSchemaRegistry({ schemasDir: schemaTree({ 'model-chunk/v2.avsc': JSON.stringify(v1) }) });
    const [older, newer] = registry.versions('model-chunk');
    expect(() => registry.resolver(newer!, older!)).toThrow(expect.objectContaining({ code: ErrorCode.SCHEMA_INCOMPATIBLE }));
  });
});
