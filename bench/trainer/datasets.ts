import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Review } from '../../src/records/types.js';
import { seededRandom } from '../../src/trainer/random.js';
import { packageRoot } from '../../src/util/paths.js';
import { longReviews } from './long-reviews.js';

/**
 * The trainer bench's datasets: the shared real corpora (skipped with a message when
 * ../shared/data is absent), the synthetic long reviews, and any JSONL file given as
 * `--dataset name=path.jsonl`. The bench only reads the paths it is given: corpora stay
 * outside the repository.
 */
export interface Dataset {
  name: string;
  /** Where it came from: a file path, or "synthetic". */
  origin: string;
  reviews: Review[];
}

export interface DatasetRequest {
  name: string;
  path: string;
}

/** The fixed shuffle of every JSONL dataset: stored files list one class first. */
const SHUFFLE_SEED = 7;

const row = z.object({
  text: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  id: z.union([z.string().min(1), z.number()]).optional(),
});

/** `--dataset name=path.jsonl`, repeatable. Ignores every other argument (run.ts shares argv). */
export function parseDatasetArgs(argv: readonly string[]): DatasetRequest[] {
  const requests: DatasetRequest[] = [];
  argv.forEach((arg, i) => {
    if (arg !== '--dataset') return;
    const value = argv[i + 1] ?? '';
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new Error(`--dataset takes name=path.jsonl (records {text, label: 0|1, id?}); got "${value}"`);
    requests.push({ name: value.slice(0, eq), path: value.slice(eq + 1) });
  });
  return requests;
}

/** Records {text, label, id?} one a line; ids default to the 1-based line number. Shuffled with the fixed seed. */
export function loadJsonlDataset(request: DatasetRequest): Dataset {
  const lines = readFileSync(request.path, 'utf8').split('\n');
  const rows: Array<{ id: string; text: string; label: 0 | 1 }> = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = row.safeParse(JSON.parse(line));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${request.path}:${i + 1}: ${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'} (each line must be {"text": string, "label": 0|1, "id"?: string})`);
    }
    rows.push({ id: parsed.data.id === undefined ? String(i + 1) : String(parsed.data.id), text: parsed.data.text, label: parsed.data.label });
  });
  const random = seededRandom(SHUFFLE_SEED);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return { name: request.name, origin: request.path, reviews: rows.map((r, i) => benchReview(r, request.name, i)) };
}

function benchReview(r: { id: string; text: string; label: 0 | 1 }, source: string, offset: number): Review {
  return {
    id: r.id,
    text: r.text,
    label: r.label,
    source,
    ingestedAt: 0,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'bench', sourcePartition: 0, sourceOffset: offset, stages: [] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
  };
}

/** The shared corpora, the synthetic long reviews, then the requested files; absent files are listed, not fatal. */
export function benchDatasets(extra: readonly DatasetRequest[]): { datasets: Dataset[]; missing: string[] } {
  const shared = join(packageRoot(), '..', 'shared', 'data');
  const requests: DatasetRequest[] = [
    { name: 'rt-polarity', path: join(shared, 'rt-polarity', 'rt-polarity.jsonl') },
    { name: 'uci-sentiment', path: join(shared, 'uci-sentiment', 'all.jsonl') },
  ];
  const datasets: Dataset[] = [];
  const missing: string[] = [];
  for (const request of requests) {
    if (existsSync(request.path)) datasets.push(loadJsonlDataset(request));
    else missing.push(`${request.name}: ${request.path} not found (../shared/data absent?)`);
  }
  datasets.push({ name: 'long-300w', origin: 'synthetic (bench/trainer/long-reviews.ts)', reviews: longReviews({ count: 20_000, seed: 11 }) });
  for (const request of extra) {
    if (existsSync(request.path)) datasets.push(loadJsonlDataset(request));
    else missing.push(`${request.name}: ${request.path} not found`);
  }
  return { datasets, missing };
}
