/**
 * JSON Lines: one object per line. Blank (whitespace-only) lines are skipped, not
 * rejected: editors and `cat a b` leave them, and they carry no record to lose.
 */
import { isUtf8 } from 'node:buffer';
import { LineSplitter, withoutBom, type SplitLine } from './line-splitter.js';
import type { ByteStream, ParsedLine, ReaderContext } from './types.js';
import { validateReview } from './validate.js';

export async function* readJsonl(stream: ByteStream, context: ReaderContext): AsyncGenerator<ParsedLine> {
  const splitter = new LineSplitter({ maxLineBytes: context.limits.maxLineBytes });
  const lines: SplitLine[] = [];
  for await (const chunk of withoutBom(stream)) {
    splitter.push(chunk, lines);
    for (const line of lines) {
      const parsed = parseJsonLine(line, context);
      if (parsed) yield parsed;
    }
    lines.length = 0;
  }
  splitter.end(lines);
  for (const line of lines) {
    const parsed = parseJsonLine(line, context);
    if (parsed) yield parsed;
  }
}

/** One line to a record or a rejection; undefined for a blank line. */
export function parseJsonLine(split: SplitLine, context: ReaderContext): ParsedLine | undefined {
  const { line } = split;
  if (split.bytes === undefined) {
    return { kind: 'rejected', line, reason: `line too long: ${split.tooLongBytes} bytes > ${context.limits.maxLineBytes}-byte limit` };
  }
  if (isBlank(split.bytes)) return undefined;
  if (!isUtf8(split.bytes)) return { kind: 'rejected', line, reason: 'line is not valid UTF-8' };
  let value: unknown;
  try {
    value = JSON.parse(split.bytes.toString('utf8'));
  } catch (err) {
    return { kind: 'rejected', line, reason: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const result = validateReview(value, { line, limits: context.limits, now: context.now(), defaultSource: context.defaultSource });
  return result.ok ? { kind: 'record', line, record: result.record } : { kind: 'rejected', line, reason: result.reason };
}

/** True for an empty line or one of spaces, tabs and CRs; stops at the first other byte. */
function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
