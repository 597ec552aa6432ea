import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { countDeliberatelyInvalid, generateReviews } from '../../../src/generate/generator.js';
import { generateToStream } from '../../../src/generate/to-stream.js';
import { readRecords } from '../../../src/ingest/read-records.js';

/** A writable that accepts little at a time and answers slowly, to force backpressure. */
function slowSink(): { sink: Writable; chunks: string[]; drains: () => number } {
  const chunks: string[] = [];
  let drains = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(callback);
    },
  });
  sink.on('drain', () => drains++);
  return { sink, chunks, drains: () => drains };
}

describe('generateToStream', () => {
  it('generateToStream writes the generated reviews as JSONL, waiting for drain', async () => {
    const { sink, chunks, drains } = slowSink();
    const summary = await generateToStream({ count: 3000, seed: 9 }, sink);
    const expected = [...generateReviews({ count: 3000, seed: 9 })].map((r) => `${JSON.stringify(r)}\n`).join('');
    expect(chunks.join('')).toBe(expected);
    expect(summary).toEqual({ written: 3000, invalid: countDeliberatelyInvalid({ count: 3000, seed: 9 }) });
    expect(drains()).toBeGreaterThan(0);
  });

  it('generateToStream output read back by the JSONL reader rejects exactly the deliberately invalid lines', async () => {
    const pipe = new PassThrough();
    const writing = generateToStream({ count: 5000, seed: 21 }, pipe).then((summary) => {
      pipe.end();
      return summary;
    });
    let produced = 0;
    let rejected = 0;
    for await (const parsed of readRecords({ input: pipe, format: 'jsonl' })) {
      if (parsed.kind === 'record') produced++;
      else rejected++;
    }
    const summary = await writing;
    expect(rejected).toBe(summary.invalid);
    expect(rejected).toBeGreaterThan(0);
    expect(produced).toBe(5000 - summary.invalid);
  });

  it('generateToStream rejects when the stream fails instead of hanging', async () => {
    const broken = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    await expect(generateToStream({ count: 5000, seed: 1 }, broken)).rejects.toThrow('EPIPE');
  });
});
