/**
 * The aclImdb folder layout (Maas et al. 2011): `<root>/{train,test}/{pos,neg}/<id>_<rating>.txt`.
 * The reader also accepts a split folder (`train/` or `test/`) directly. `train/unsup`
 * (unlabeled, rating 0) is not part of the labeled layout and is not read.
 *
 * Directories are walked with `fs.opendir`, one entry at a time, so 50,000 files are never
 * listed into memory at once. Order is the file system's; ids come from file names, so they
 * are stable whatever the order. `line` is a running index (1-based) over the files read.
 */
import { open, opendir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { fatal } from '../errors.js';
import { errnoCode } from './errno.js';
import type { ParsedLine, ReaderContext } from './types.js';
import { validateReview } from './validate.js';

const SPLITS = ['train', 'test'] as const;
const POLARITIES = [
  { folder: 'pos', label: 1 },
  { folder: 'neg', label: 0 },
] as const;
const FILE_NAME = /^(\d+)_(\d+)\.txt$/;
const LAYOUT_HINT = 'point --file at the aclImdb folder (holding train/ and test/) or at one split folder (holding pos/ and neg/)';

interface SplitDir {
  name: string;
  path: string;
}

export async function* readAclImdb(root: string, context: ReaderContext): AsyncGenerator<ParsedLine> {
  let index = 0;
  for (const split of await findSplits(root)) {
    for (const polarity of POLARITIES) {
      const folder = join(split.path, polarity.folder);
      if (!(await isDirectory(folder))) continue;
      for await (const entry of await opendir(folder)) {
        if (!entry.isFile()) continue;
        index++;
        yield await readReviewFile({ path: join(folder, entry.name), fileName: entry.name, split: split.name, polarity, line: index, context });
      }
    }
  }
}

async function findSplits(root: string): Promise<SplitDir[]> {
  if (!(await isDirectory(root))) {
    throw fatal('INVALID_INPUT', `aclImdb input ${root} is not a readable folder`, { hint: LAYOUT_HINT });
  }
  const splits: SplitDir[] = [];
  for (const name of SPLITS) {
    const path = join(root, name);
    if (await isDirectory(path)) splits.push({ name, path });
  }
  if (splits.length > 0) return splits;
  if ((await isDirectory(join(root, 'pos'))) || (await isDirectory(join(root, 'neg')))) {
    return [{ name: basename(root), path: root }];
  }
  throw fatal('INVALID_INPUT', `${root} has neither train/ and test/ nor pos/ and neg/ folders`, { hint: LAYOUT_HINT });
}

async function readReviewFile(options: {
  path: string;
  fileName: string;
  split: string;
  polarity: (typeof POLARITIES)[number];
  line: number;
  context: ReaderContext;
}): Promise<ParsedLine> {
  const { path, line, context } = options;
  const match = FILE_NAME.exec(options.fileName);
  if (!match) return { kind: 'rejected', line, reason: `${path}: file name is not <id>_<rating>.txt` };
  const [, fileId, ratingText] = match;
  const read = await readBoundedText(path, context.limits.maxTextBytes);
  if (!read.ok) return { kind: 'rejected', line, reason: `${path}: ${read.reason}` };
  const result = validateReview(
    {
      text: read.text,
      label: options.polarity.label,
      rating: Number(ratingText),
      id: `aclimdb-${options.split}-${options.polarity.folder}-${fileId}`,
      source: `aclimdb/${options.split}`,
    },
    { line, limits: context.limits, now: context.now(), defaultSource: context.defaultSource },
  );
  return result.ok ? { kind: 'record', line, record: result.record } : { kind: 'rejected', line, reason: `${path}: ${result.reason}` };
}

/** Reads a file only if it fits the text limit, so an oversized file is never loaded. */
async function readBoundedText(path: string, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    return { ok: false, reason: `cannot read file: ${errnoCode(err)}` };
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { ok: false, reason: `text is ${size} bytes, over the ${maxBytes}-byte limit` };
    const bytes = await handle.readFile();
    if (!isUtf8(bytes)) return { ok: false, reason: 'file is not valid UTF-8' };
    return { ok: true, text: bytes.toString('utf8') };
  } catch (err) {
    return { ok: false, reason: `cannot read file: ${errnoCode(err)}` };
  } finally {
    await handle.close();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return false;
    throw fatal('INVALID_INPUT', `cannot read ${path}: ${errnoCode(err)}`, { cause: err });
  }
}
