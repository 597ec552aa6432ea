/**
 * CSV with a header row naming the columns `text` (required), `label`, `rating`, `id`,
 * `source`, in any order and any case; other columns are ignored. Numbers arrive as
 * strings and are parsed here; an empty cell means the field is absent.
 */
import { fatal } from '../errors.js';
import { withoutBom } from './line-splitter.js';
import { CsvRowSplitter, type CsvRow } from './csv-splitter.js';
import type { ByteStream, ParsedLine, ReaderContext } from './types.js';
import { validateReview } from './validate.js';

const KNOWN_COLUMNS = ['text', 'label', 'rating', 'id', 'source'] as const;
type Column = (typeof KNOWN_COLUMNS)[number];
const NUMERIC_COLUMNS: ReadonlySet<Column> = new Set(['label', 'rating']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const EXPECTED_COLUMNS_HINT = 'the first row must name the columns: text (required), label, rating, id, source';

/** Which field index holds each known column. */
type HeaderMap = { width: number; columns: [Column, number][] };

export async function* readCsv(stream: ByteStream, context: ReaderContext): AsyncGenerator<ParsedLine> {
  const splitter = new CsvRowSplitter({ maxRecordBytes: context.limits.maxLineBytes });
  const rows: CsvRow[] = [];
  let header: HeaderMap | undefined;
  const drain = function* (): Generator<ParsedLine> {
    for (const row of rows) {
      if (header === undefined) {
        header = parseHeader(row);
        continue;
      }
      yield parseRow(row, header, context);
    }
    rows.length = 0;
  };
  for await (const chunk of withoutBom(stream)) {
    splitter.push(chunk, rows);
    yield* drain();
  }
  splitter.end(rows);
  yield* drain();
  if (header === undefined) {
    throw fatal('INVALID_INPUT', 'CSV input is empty: it has no header row', { hint: EXPECTED_COLUMNS_HINT });
  }
}

function parseHeader(row: CsvRow): HeaderMap {
  if (row.fields === undefined) {
    throw fatal('INVALID_INPUT', `CSV header on line ${row.line} cannot be read: ${row.error}`, { hint: EXPECTED_COLUMNS_HINT });
  }
  const names = row.fields.map((name) => name.trim().toLowerCase());
  const columns: [Column, number][] = [];
  for (const column of KNOWN_COLUMNS) {
    const index = names.indexOf(column);
    if (index !== -1) columns.push([column, index]);
  }
  if (!names.includes('text')) {
    throw fatal('INVALID_INPUT', `CSV header has no "text" column (found: ${row.fields.map((n) => JSON.stringify(n)).join(', ')})`, {
      hint: EXPECTED_COLUMNS_HINT,
    });
  }
  return { width: names.length, columns };
}

function parseRow(row: CsvRow, header: HeaderMap, context: ReaderContext): ParsedLine {
  const { line } = row;
  if (row.fields === undefined) return { kind: 'rejected', line, reason: row.error };
  if (row.fields.length !== header.width) {
    return { kind: 'rejected', line, reason: `row has ${row.fields.length} fields, the header has ${header.width}` };
  }
  const obj: Partial<Record<Column, unknown>> = {};
  for (const [column, index] of header.columns) {
    const cell = row.fields[index] ?? '';
    if (column === 'text') obj.text = cell;
    else if (cell.trim() === '') continue;
    else obj[column] = NUMERIC_COLUMNS.has(column) ? parseNumber(cell) : cell;
  }
  const result = validateReview(obj, { line, limits: context.limits, now: context.now(), defaultSource: context.defaultSource });
  return result.ok ? { kind: 'record', line, record: result.record } : { kind: 'rejected', line, reason: result.reason };
}

/** A numeric cell as a number; anything else stays a string so the reason shows it. */
function parseNumber(cell: string): number | string {
  const trimmed = cell.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : trimmed;
}
