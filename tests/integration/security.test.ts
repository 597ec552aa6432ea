import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinKinds } from '../../src/runtime/kinds.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerManager, type BrokerState } from '../../src/broker/manager.js';
import { ErrorCode } from '../../src/errors.js';
import { failureOf } from '../helpers/errors.js';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import { KafkaPort, type KafkaSettings } from '../../src/kafka/index.js';
import { decode, type Review } from '../../src/records/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../../src/topology/index.js';
import { uniquePrefix } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * A broker of its own (not the run's shared one), with a SASL_SSL listener, so the whole
 * path — topic creation, ingest, a stage's consume/produce/commit — is proved to work
 * through SCRAM-SHA-512 over TLS, and bad clients are refused with clear errors.
 */
const alice = { username: 'alice', password: `alice-${randomUUID()}` };
const manager = new BrokerManager({ stateDir: mkdtempSync(join(tmpdir(), 'rf-secure-broker-')) });
let state: BrokerState;
let secureBootstrap: string[];
let ca: string;

function securePort(overrides: Partial<KafkaSettings> = {}): KafkaPort {
  return new KafkaPort({
    brokers: secureBootstrap,
    clientId: 'security-test',
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 30_000,
    tls: { ca, rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', ...alice },
    ...overrides,
  });
}

beforeAll(async () => {
  state = await manager.start({ brokers: 1, security: { saslSsl: true, users: [alice], superUsers: ['alice'] } });
  secureBootstrap = state.saslSsl!.bootstrap.split(',');
  ca = readFileSync(state.saslSsl!.caPemPath, 'utf8');
});
afterAll(async () => manager.stop({ purge: true }));

describe('embedded broker with SASL_SSL (SCRAM-SHA-512 over TLS)', () => {
  it('broker status reports the SASL_SSL address and CA file and never a password', () => {
    const status = manager.status();
    expect(status.running).toBe(true);
    expect(status.saslSsl).toEqual({ mechanism: 'scram-sha-512', bootstrap: state.saslSsl!.bootstrap, caPemPath: state.saslSsl!.caPemPath, usernames: ['alice'] });
    expect(status.saslSsl!.bootstrap).not.toBe(status.bootstrap);
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(JSON.stringify(status)).not.toContain(alice.password);
    expect(readFileSync(join(manager.stateDir, 'state.json'), 'utf8')).not.toContain(alice.password);
  });

  it('clean stage runs through the SASL_SSL listener: topics, ingest and stage output all authenticated', async () => {
    const kafka = securePort();
    const topology: Topology = namespaced(loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() }), uniquePrefix('security'));
    await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
    const clean = topology.stages.find((s) => s.id === 'clean')!;

    const marked = { text: '<p>Great&nbsp;phone &amp; cheap,   write to bob@example.com</p>', label: 1, id: 'marked-1' };
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    const sent = await producer.send([marked, ...generateReviews({ count: 400, seed: 11 })]);
    await producer.close();
    expect(sent.errors).toEqual([]);
    expect(sent.produced).toBe(401);

    const pipeline = new Pipeline({ kafka, topology, stages: ['clean'], instance: 'security' });
    await pipeline.start();
    try {
      await waitForStages(pipeline, { clean: () => sent.produced });
    } finally {
      await pipeline.stop();
    }
    const session = pipeline.progress().stages[0]!.session;
    expect(session.in).toBe(401);
    expect(session.deadLettered).toBe(0);

    const out: Review[] = [];
    await kafka.readToEnd({ topic: clean.output }, (m) => out.push(decode('review', m.value!)));
    expect(out).toHaveLength(session.out);
    expect(session.out + session.duplicates).toBe(401);
    const cleaned = out.find((r) => r.id === 'marked-1');
    expect(cleaned?.text).toBe('Great phone & cheap, write to [email]');
    expect(cleaned?.redactions.email).toBe(1);
    expect(out.every((r) => !/<\/?[a-z]/i.test(r.text) && !/\s{2}/.test(r.text))).toBe(true);
  });

  it('wrong password is refused with KAFKA_AUTH saying the credentials were refused', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const err = await failureOf(securePort({ sasl: { mechanism: 'scram-sha-512', username: 'alice', password: wrong } }).withAdmin((a) => a.describeCluster()));
    expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
    expect(err.retriable).toBe(false);
    expect(err.message).toMatch(/refused the credentials/);
    expect(err.message).not.toContain(wrong);
  });

  it('unknown user is refused with KAFKA_AUTH', async () => {
    const err = await failureOf(securePort({ sasl: { mechanism: 'scram-sha-512', username: 'mallory', password: 'guess' } }).withAdmin((a) => a.describeCluster()));
    expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
  });

  it('SASL mechanism the listener does not enable is refused with KAFKA_AUTH', async () => {
    const err = await failureOf(securePort({ sasl: { mechanism: 'plain', ...alice } }).withAdmin((a) => a.describeCluster()));
    expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
    expect(err.message).toMatch(/does not offer this SASL mechanism/);
  });

  it('client without TLS to the SASL_SSL port fails with BROKER_UNREACHABLE whose hint names TLS', async () => {
    const { tls: _tls, ...plain } = securePort().settings;
    const err = await failureOf(new KafkaPort(plain).withAdmin((a) => a.describeCluster()));
    expect(err.code).toBe(ErrorCode.BROKER_UNREACHABLE);
    expect(err.message).toMatch(/closed the connection/);
    expect(err.hint).toMatch(/requires TLS or SASL/);
  });

  it('client that does not trust the CA fails with non-retriable KAFKA_AUTH before it sends credentials', async () => {
    const err = await failureOf(securePort({ tls: { rejectUnauthorized: true } }).withAdmin((a) => a.describeCluster()));
    expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
    expect(err.retriable).toBe(false);
    expect(err.message).toMatch(/TLS certificate is not trusted/);
  });

  it('broker start with the same users is idempotent and keeps the CA; other users are refused while it runs', async () => {
    const again = await manager.start({ brokers: 1, security: { saslSsl: true, users: [alice] } });
    expect(again.alreadyRunning).toBe(true);
    expect(readFileSync(again.saslSsl!.caPemPath, 'utf8')).toBe(ca);
    const err = await failureOf(manager.start({ brokers: 1, security: { saslSsl: true, users: [{ username: 'alice', password: 'another-one' }] } }));
    expect(err.code).toBe(ErrorCode.BROKER_START);
    expect(err.message).toMatch(/other SASL_SSL users/);
  });

  it('broker restart without security options keeps the SASL_SSL listener, its users and its CA', async () => {
    await manager.stop();
    const restarted = await manager.start({ brokers: 1 });
    expect(restarted.alreadyRunning).toBe(false);
    expect(restarted.saslSsl?.bootstrap).toBe(state.saslSsl!.bootstrap);
    expect(readFileSync(restarted.saslSsl!.caPemPath, 'utf8')).toBe(ca);
    const cluster = await securePort().withAdmin((a) => a.describeCluster());
    expect(cluster.brokers).toHaveLength(1);
  });
});
