/**
 * Throughput of the pure stage transforms (no Kafka) over the real review data in
 * ../shared/data, one core. Two shapes: the records as they are (60–120 characters on
 * average) and 200–1,000 character reviews made by joining consecutive real sentences.
 * Two generated sets beside them: all HTML with a third carrying PII (clean's markup and
 * PII paths), and the e2e and compute-ceiling benches' backlog (the generator's default
 * mix, which the Kafka bench draws from too), which bounds what those benches' ratios can reach.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import type { RawReview, Review } from '../src/records/types.js';
import { augmentStage } from '../src/stages/augment.js';
import { cleanStage } from '../src/stages/clean.js';
import { gateStage } from '../src/stages/gate.js';
import { preloadSynonyms } from '../src/stages/wordnet-synonyms.js';
import { generateReviews } from '../src/generate/generator.js';
import type { Emission, InputPosition } from '../src/stages/types.js';
import { backlogReviews } from './compute-ceiling.js';

export interface PureStageResult {
  stage: string;
  dataset: string;
  avgChars: number;
  recordsPerSec: number;
}

const RUN_MS = 1500;
const FILES = ['rt-polarity/rt-polarity.jsonl', 'uci-sentiment/all.jsonl'];

function loadRaw(): RawReview[] {
  const dir = join(packageRoot(), '..', 'shared', 'data');
  const records: RawReview[] = [];
  for (const file of FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`bench data ${path} is absent (see shared/data/README.md next to the repository)`);
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { id: string; text: string; label: number; source: string };
      records.push({ id: r.id, text: r.text, label: r.label, rating: null, source: r.source, ingestedAt: 0 });
    }
  }
  return records;
}

/**
 * Generated reviews with every one carrying HTML (IMDb-style `<br />`, `<i>`, `&amp;`)
 * and a third carrying personal data: the markup and PII paths of clean, which the real
 * records above almost never reach.
 */
function messyReviews(count: number): RawReview[] {
  const out: RawReview[] = [];
  for (const g of generateReviews({ count, seed: 7, htmlRate: 1, piiRate: 0.33, invalidRate: 0 })) {
    if (typeof g.text !== 'string') continue;
    out.push({ id: g.id, text: g.text, label: g.label ?? null, rating: null, source: g.source, ingestedAt: 0 });
  }
  return out;
}

/** Joins consecutive records (same label first) into reviews of 200–1,000 characters. */
function longReviews(records: RawReview[]): RawReview[] {
  const out: RawReview[] = [];
  let target = 200;
  let parts: RawReview[] = [];
  let length = 0;
  for (const r of records) {
    parts.push(r);
    length += r.text.length + 1;
    if (length < target) continue;
    const first = parts[0] as RawReview;
    out.push({ ...first, id: `${first.id}+${parts.length}`, text: parts.map((p) => p.text.trim()).join(' ') });
    target = 200 + ((target * 7919) % 800); // deterministic spread over 200–1,000
    parts = [];
    length = 0;
  }
  return out;
}

function position(offset: number): InputPosition {
  return { topic: 'bench', partition: 0, offset, timestamp: offset };
}

/** Passes over `records` for about RUN_MS after a warm-up pass; a fresh state per pass. */
function measure<T>(records: T[], pass: (records: T[]) => void): number {
  pass(records);
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < RUN_MS) {
    pass(records);
    done += records.length;
  }
  return Math.round(done / ((performance.now() - start) / 1000));
}

function cleanAll(records: RawReview[]): Review[] {
  const options = cleanStage.options.parse({});
  const state = cleanStage.createState(options);
  const out: Review[] = [];
  records.forEach((record, i) => {
    for (const e of cleanStage.transform(record, { options, state, position: position(i), instance: 'bench' })) if (e.kind === 'out') out.push(e.review);
  });
  return out;
}

function sink(emissions: Emission[]): number {
  return emissions.length;
}

function benchDataset(dataset: string, raw: RawReview[]): PureStageResult[] {
  const avgChars = Math.round(raw.reduce((n, r) => n + r.text.length, 0) / raw.length);
  const reviews = cleanAll(raw);
  let emitted = 0;
  const clean = measure(raw, (records) => {
    const options = cleanStage.options.parse({});
    const state = cleanStage.createState(options);
    records.forEach((record, i) => (emitted += sink(cleanStage.transform(record, { options, state, position: position(i), instance: 'bench' }))));
  });
  const gate = measure(reviews, (records) => {
    const options = gateStage.options.parse({});
    const state = gateStage.createState(options);
    records.forEach((record, i) => (emitted += sink(gateStage.transform(record, { options, state, position: position(i), instance: 'bench' }))));
  });
  const augment = measure(reviews, (records) => {
    const options = augmentStage.options.parse({});
    records.forEach((record, i) => (emitted += sink(augmentStage.transform(record, { options, state: undefined, position: position(i), instance: 'bench' }))));
  });
  if (emitted < 0) throw new Error('unreachable');
  return [
    { stage: 'clean', dataset, avgChars, recordsPerSec: clean },
    { stage: 'augment', dataset, avgChars, recordsPerSec: augment },
    { stage: 'gate', dataset, avgChars, recordsPerSec: gate },
  ];
}

export async function benchPureStages(): Promise<PureStageResult[]> {
  const raw = loadRaw();
  preloadSynonyms(); // measured separately by benchWordnetLoad
  return [
    ...benchDataset('real records (rt-polarity + uci)', raw),
    ...benchDataset('joined 200-1000 chars', longReviews(raw)),
    ...benchDataset('generated, all HTML, 1/3 with PII', messyReviews(5_000)),
    ...benchDataset("generated, the Kafka benches' mix", backlogReviews(5_000)),
  ];
}

/** One-time cost of the augment stage's WordNet synonym table, in a fresh process. */
export function benchWordnetLoad(): { ms: number; lemmas: number; heapMb: number } {
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const lemmas = preloadSynonyms();
  return { ms: Math.round(performance.now() - start), lemmas, heapMb: Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e5) / 10 };
}
