import { setTimeout as sleep } from 'node:timers/promises';
import { buildReview, resolveMix } from '../../generate/index.js';
import { IngestProducer, readRecords, type InputFormat } from '../../ingest/index.js';
import type { KafkaPort } from '../../kafka/index.js';

export interface FeederOptions {
  kafka: KafkaPort;
  topic: string;
  /** Stream this file once; otherwise synthetic reviews without end. */
  file?: string;
  format?: InputFormat;
  seed: number;
  /** Synthetic index to start from (a second demo run continues the stream). */
  startIndex: number;
  /** Records per second the synthetic stream aims for. */
  rate: number;
}

/** Produces the demo's input in the background until stopped (or the file ends). */
export class Feeder {
  produced = 0;
  rejected = 0;
  nextIndex: number;
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(private readonly o: FeederOptions) {
    this.nextIndex = o.startIndex;
  }

  start(): void {
    this.done = this.o.file ? this.fromFile(this.o.file) : this.synthetic();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  finished(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  private async fromFile(file: string): Promise<void> {
    const producer = new IngestProducer({ kafka: this.o.kafka, topic: this.o.topic, batchSize: 1_000 });
    await producer.connect();
    try {
      for await (const item of readRecords({ input: file, format: this.o.format ?? 'jsonl' })) {
        if (this.stopped) break;
        if (item.kind === 'rejected') this.rejected++;
        else {
          await producer.add(item.record);
          this.produced++;
        }
      }
    } finally {
      await producer.close();
    }
  }

  private async synthetic(): Promise<void> {
    const producer = new IngestProducer({ kafka: this.o.kafka, topic: this.o.topic, batchSize: 1_000, source: 'demo' });
    await producer.connect();
    const mix = resolveMix();
    const tick = 200;
    const perTick = Math.max(1, Math.round((this.o.rate * tick) / 1000));
    try {
      while (!this.stopped) {
        const began = Date.now();
        const events = [];
        for (let i = 0; i < perTick; i++) events.push(buildReview({ seed: this.o.seed, index: this.nextIndex++, mix }));
        const { produced, errors } = await producer.send(events);
        this.produced += produced;
        this.rejected += errors.length;
        const spare = tick - (Date.now() - began);
        if (spare > 0) await sleep(spare);
      }
    } finally {
      await producer.close();
    }
  }
}
