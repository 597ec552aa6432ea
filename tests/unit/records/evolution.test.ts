import type avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { decode, encodeWith, schemaRegistry, RECORD_NAMES, type SchemaVersion } from '../../../src/records/index.js';

interface RecordField {
  name: string;
  type: avro.Type;
  defaultValue(): unknown;
}

function fieldsOf(type: avro.Type): RecordField[] {
  return (type as unknown as { fields: RecordField[] }).fields;
}

/** Every (reader, writer) pair of one record name where the writer is not newer. */
function pairs(): [label: string, reader: SchemaVersion, writer: SchemaVersion][] {
  const out: [string, SchemaVersion, SchemaVersion][] = [];
  for (const name of RECORD_NAMES) {
    const versions = schemaRegistry().versions(name);
    for (const reader of versions) {
      for (const writer of versions) {
        if (writer.version <= reader.version) out.push([`${name} v${reader.version} <- v${writer.version}`, reader, writer]);
      }
    }
  }
  return out;
}

/** What a reader must see for a writer value: shared fields kept, new fields at their default. */
function expectResolved(reader: SchemaVersion, writer: SchemaVersion, written: Record<string, unknown>, read: Record<string, unknown>): void {
  expectRecordResolved(reader.type, writer.type, written, read, '');
}

/** Field by field, into nested records (a newer reader may add fields to a nested record). */
function expectRecordResolved(reader: avro.Type, writer: avro.Type, written: Record<string, unknown>, read: Record<string, unknown>, path: string): void {
  const writerFields = new Map(fieldsOf(writer).map((f) => [f.name, f]));
  for (const field of fieldsOf(reader)) {
    const name = `${path}${field.name}`;
    const theirs = writerFields.get(field.name);
    if (!theirs) expect(read[field.name], `${name} default`).toEqual(field.defaultValue());
    else if (field.type.typeName === 'record' && theirs.type.typeName === 'record') {
      expectRecordResolved(field.type, theirs.type, written[field.name] as Record<string, unknown>, read[field.name] as Record<string, unknown>, `${name}.`);
    } else expect(read[field.name], name).toEqual(written[field.name]);
  }
}

describe('schema evolution', () => {
  it('evolution covers a record with more than one version', () => {
    expect(schemaRegistry().versions('review-raw').map((v) => v.version)).toEqual([1, 2]);
  });

  it.each(pairs())('evolution: %s reads random writer values', (_label, reader, writer) => {
    const resolver = reader === writer ? undefined : schemaRegistry().resolver(reader, writer);
    for (let i = 0; i < 50; i++) {
      const written = writer.type.random() as unknown as Record<string, unknown>;
      const body = writer.type.toBuffer(written);
      const read = reader.type.decode(body, 0, resolver);
      expect(read.offset).toBe(body.length);
      expect(reader.type.isValid(read.value)).toBe(true);
      expectResolved(reader, writer, written, read.value as Record<string, unknown>);
    }
  });

  it.each(pairs().filter(([, reader]) => reader === schemaRegistry().newest(reader.name)))(
    'evolution: codec decode of %s goes through the fingerprint',
    (_label, reader, writer) => {
      const written = writer.type.random() as unknown as Record<string, unknown>;
      const read = decode(reader.name, encodeWith(reader.name, writer.version, written)) as unknown as Record<string, unknown>;
      expectResolved(reader, writer, written, read);
    },
  );

  it('evolution: a v1 raw review reads with ingestedAt 0', () => {
    const bytes = encodeWith('review-raw', 1, { id: 'x', text: 'good film', label: 1, rating: 8, source: 'cli' });
    expect(decode('review-raw', bytes)).toEqual({ id: 'x', text: 'good film', label: 1, rating: 8, source: 'cli', ingestedAt: 0 });
  });
});
