/**
 * Codec micro-benchmark: single-object encode/decode of a typical Review (200-character
 * text), against a JSON baseline measured in the same run.
 */
import { decode, decodeAny, encode, encodeWith } from '../src/records/index.js';
import type { Review } from '../src/records/index.js';

export interface BenchResult {
  name: string;
  opsPerSec: number;
}

const RUN_MS = 1000;

function typicalReview(): Review {
  const words = 'the film was surprisingly good but the ending felt rushed and the dialogue clumsy '.repeat(4);
  return {
    id: 'rev-00000000-1234-5678',
    text: words.slice(0, 200),
    label: 1,
    source: 'bench',
    ingestedAt: 1_717_171_717_171,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'reviews.raw', sourcePartition: 3, sourceOffset: 1_234_567, stages: ['clean', 'augment'] },
    redactions: { email: 0, phone: 0, url: 1, card: 0, iban: 0, ip: 0 },
  };
}

/** Runs `op` for about RUN_MS after a warm-up and returns operations per second. */
function measure(name: string, op: () => unknown): BenchResult {
  for (let i = 0; i < 20_000; i++) op();
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(RUN_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) op();
    ops += 1000;
    now = process.hrtime.bigint();
  }
  return { name, opsPerSec: Math.round(ops / (Number(now - start) / 1e9)) };
}

export async function benchCodec(): Promise<BenchResult[]> {
  const review = typicalReview();
  const bytes = encode('review', review);
  const json = Buffer.from(JSON.stringify(review));
  const rawV1 = encodeWith('review-raw', 1, { id: review.id, text: review.text, label: 1, rating: 8, source: 'bench' });
  let sink = 0; // keeps results alive so the loops are not optimised away
  const results = [
    measure('codec encode+decode Review', () => (sink += decode('review', encode('review', review)).text.length)),
    measure('codec encode Review', () => (sink += encode('review', review).length)),
    measure('codec decode Review', () => (sink += decode('review', bytes).text.length)),
    measure('codec decodeAny Review', () => (sink += decodeAny(bytes).version)),
    measure('codec decode RawReview v1 into v2 (resolver)', () => (sink += decode('review-raw', rawV1).text.length)),
    measure('baseline JSON stringify+parse Review', () => (sink += (JSON.parse(Buffer.from(JSON.stringify(review)).toString()) as Review).text.length)),
    measure('baseline JSON parse Review', () => (sink += (JSON.parse(json.toString()) as Review).text.length)),
  ];
  if (sink < 0) throw new Error('unreachable');
  return results;
}
