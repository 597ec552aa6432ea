import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, ReviewflowError } from '../../src/errors.js';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import { KafkaPort, type ProducerOptions, type ProducerPort, type TransactionScope } from '../../src/kafka/index.js';
import { decode } from '../../src/records/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { collectStatus } from '../../src/runtime/status.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * Two transaction failures seen when two of three brokers were lost (docs/RELIABILITY.md),
 * made on purpose against a real broker: the stage's transactions go to Kafka, and the
 * n-th one fails as named.
 * - `commit-response-lost`: the transaction commits, then the client gets an error (the
 *   commit's response timed out). Sending the chunk again would write it twice.
 * - `abort`: the transaction aborts, and the error leaves the batch for kafkajs to fetch
 *   again. Refetching from the batch's start would redo the chunks already committed.
 */
type Fault = 'commit-response-lost' | 'abort';

class FaultyKafka extends KafkaPort {
  transactions = 0;

  constructor(
    settings: KafkaPort['settings'],
    private readonly faults: Map<number, Fault>,
  ) {
    super(settings);
  }

  override producer(options: ProducerOptions = {}): ProducerPort {
    const port = super.producer(options);
    if (!port.transactional) return port;
    const transaction = port.transaction.bind(port);
    port.transaction = async (work: (scope: TransactionScope) => Promise<void>): Promise<void> => {
      const fault = this.faults.get(++this.transactions);
      if (fault === 'abort') {
        return transaction(async (scope) => {
          await work(scope);
          throw new Error(`injected failure before commit of transaction ${this.transactions}`);
        });
      }
      await transaction(work);
      if (fault === 'commit-response-lost') throw new ReviewflowError(ErrorCode.KAFKA_RETRIABLE, `injected: the commit response of transaction ${this.transactions} was lost`, { retriable: true });
    };
    return port;
  }
}

const RECORDS = 1_200;
const CHUNK = 100;
const admin = testKafka();
let topology: Topology;

beforeAll(async () => {
  topology = await testTopology(admin, 'tx-faults', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    delivery: 'exactly-once',
    stages: t.stages.map((s) => (s.id === 'clean' ? { ...s, batchSize: CHUNK } : s)),
  }));
});
afterAll(async () => dropTopology(admin, topology));

describe('exactly-once through failed transactions (real broker, injected failures)', () => {
  it('clean writes every record once when a commit response is lost and when a later chunk of a batch aborts', async () => {
    const ingest = new IngestProducer({ kafka: admin, topic: topology.ingest });
    await ingest.connect();
    const sent = await ingest.send([...generateReviews({ count: RECORDS, seed: 5 })]);
    await ingest.close();
    const produced = sent.produced; // the generator makes a few malformed reviews on purpose, refused at ingest
    expect(produced).toBeGreaterThan(RECORDS * 0.9);

    // a fetch holds every record of a partition, so each batch is cut into many chunks
    const faults = new Map<number, Fault>([
      [2, 'commit-response-lost'],
      [5, 'abort'],
      [9, 'commit-response-lost'],
      [12, 'abort'],
    ]);
    const kafka = new FaultyKafka(admin.settings, faults);
    const pipeline = new Pipeline({ kafka, topology, stages: ['clean'], instance: 'tx-faults' });
    await pipeline.start();
    try {
      await waitForStages(pipeline, { clean: () => produced }, 90_000);
    } finally {
      await pipeline.stop();
    }
    expect(kafka.transactions).toBeGreaterThan(Math.max(...faults.keys()));

    const clean = topology.stages.find((s) => s.id === 'clean')!;
    const seen = new Map<string, number>();
    await admin.readToEnd({ topic: clean.output, readCommitted: true }, (m) => {
      const id = decode('review', m.value!).id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    });
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice, 'ids written more than once').toEqual([]);

    const status = (await collectStatus(admin, topology)).stages.find((s) => s.stage === 'clean')!;
    expect(status.in).toBe(produced);
    expect(status.lag).toBe(0);
    expect(seen.size).toBe(status.out);
    expect(status.in).toBe(status.out + status.quarantined + status.deadLettered + status.duplicates);
  });
});
