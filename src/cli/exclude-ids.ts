import { readFile } from 'node:fs/promises';
import { ErrorCode, fatal } from '../errors.js';

/**
 * The review ids `retrain --exclude-ids FILE` leaves out: one id a line (blank lines and
 * `#` comments skipped), or JSON objects a line with an `id`, or a `value.id` as
 * `reviewflow consume` prints records, so its output filtered with grep or jq works as is.
 */
export function parseIdList(text: string, file: string): Set<string> {
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!line.startsWith('{')) {
      ids.add(line);
      return;
    }
    const id = idOf(line);
    if (id === undefined) {
      throw fatal(ErrorCode.INVALID_INPUT, `${file}:${i + 1}: a JSON line needs a string "id" (or "value": {"id": ...} as consume prints it)`, {
        hint: 'write one review id a line, or JSON objects with an "id"',
      });
    }
    ids.add(id);
  });
  return ids;
}

function idOf(line: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined; // reported by the caller with the line number
  }
  const record = parsed as { id?: unknown; value?: { id?: unknown } } | null;
  const id = record?.id ?? record?.value?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export async function readIdList(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw fatal(ErrorCode.INVALID_INPUT, `cannot read the id list ${file}: ${(err as Error).message}`, { cause: err, hint: 'give --exclude-ids a file with one review id a line' });
  }
  return parseIdList(text, file);
}
