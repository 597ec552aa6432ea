/**
 * The one entry point of the ingest readers: picks the reader for a format, opens a file
 * path, fills the limits and the context every record shares.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { fatal } from '../errors.js';
import { readAclImdb } from './aclimdb-reader.js';
import { readCsv } from './csv-reader.js';
import { errnoCode } from './errno.js';
import { readJsonl } from './jsonl-reader.js';
import { resolveLimits } from './limits.js';
import { INPUT_FORMATS, type ByteStream, type IngestLimits, type InputFormat, type ParsedLine, type ReaderContext } from './types.js';

export interface ReadRecordsOptions {
  /** A byte stream (stdin: the caller resolves `-`), or a path: a file for jsonl/csv, a folder for aclimdb. */
  input: NodeJS.ReadableStream | ByteStream | string;
  format: InputFormat;
  limits?: Partial<IngestLimits>;
  /** Clock for `ingestedAt`; Date.now by default. */
  now?: () => number;
  /** Source of records that name none; the file's base name by default, `stream` for a stream. */
  source?: string;
}

const READ_CHUNK_BYTES = 256 * 1024;

export async function* readRecords(options: ReadRecordsOptions): AsyncGenerator<ParsedLine> {
  if (!INPUT_FORMATS.includes(options.format)) {
    throw fatal('INVALID_INPUT', `unknown input format ${JSON.stringify(options.format)}`, { hint: `use one of: ${INPUT_FORMATS.join(', ')}` });
  }
  const { input } = options;
  const context: ReaderContext = {
    limits: resolveLimits(options.limits),
    now: options.now ?? Date.now,
    defaultSource: options.source ?? (typeof input === 'string' ? basename(input) : 'stream'),
  };
  if (options.format === 'aclimdb') {
    if (typeof input !== 'string') {
      throw fatal('INVALID_INPUT', 'the aclimdb format reads a folder, not a stream', { hint: 'pass the aclImdb folder path with --file' });
    }
    yield* readAclImdb(input, context);
    return;
  }
  const stream = typeof input === 'string' ? await openFile(input, options.format) : (input as ByteStream);
  yield* options.format === 'csv' ? readCsv(stream, context) : readJsonl(stream, context);
}

async function openFile(path: string, format: InputFormat): Promise<ByteStream> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fatal('INVALID_INPUT', `cannot open ${path}: ${errnoCode(err)}`, { cause: err, hint: 'check the path passed with --file' });
  }
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw fatal('INVALID_INPUT', `${path} is a folder, not a ${format} file`, { hint: 'for the aclImdb folder layout pass --format aclimdb' });
  }
  return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
}
