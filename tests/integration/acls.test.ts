import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerManager, type BrokerState } from '../../src/broker/manager.js';
import { ErrorCode } from '../../src/errors.js';
import { failureOf } from '../helpers/errors.js';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import { KafkaPort } from '../../src/kafka/index.js';
import { builtinKinds } from '../../src/runtime/kinds.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { collectStatus } from '../../src/runtime/status.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../../src/topology/index.js';
import { runCli, writeTopologyFile } from '../helpers/cli.js';
import { uniquePrefix } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * Least privilege on the embedded broker with SASL_SSL, whose StandardAuthorizer denies
 * whatever no ACL allows: `acls apply` (as the super user) grants the clean stage's
 * principal and a subscriber exactly what `acls plan` lists; the clean stage then runs
 * normally with only those ACLs, cannot write the model topic, and the subscriber can
 * read models but not produce.
 */
const users = {
  admin: { username: 'admin', password: `admin-${randomUUID()}` },
  cleaner: { username: 'cleaner', password: `cleaner-${randomUUID()}` },
  reader: { username: 'reader', password: `reader-${randomUUID()}` },
};
const manager = new BrokerManager({ stateDir: mkdtempSync(join(tmpdir(), 'rf-acl-broker-')) });
let state: BrokerState;
let topology: Topology;
let topologyFile: string;

function portAs(user: { username: string; password: string }): KafkaPort {
  return new KafkaPort({
    brokers: state.saslSsl!.bootstrap.split(','),
    clientId: `acl-test-${user.username}`,
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 30_000,
    tls: { ca: readFileSync(state.saslSsl!.caPemPath, 'utf8'), rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', ...user },
  });
}

/** The CLI against the SASL_SSL listener as `user`, the way an operator's shell would run it. */
function cliAs(user: { username: string; password: string }, args: string[]) {
  return runCli(args, {
    env: {
      KAFKA_BROKERS: state.saslSsl!.bootstrap,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user.username,
      KAFKA_SASL_PASSWORD: user.password,
      KAFKA_TLS_CA_FILE: state.saslSsl!.caPemPath,
    },
  });
}

const modelTopic = (): string => topology.stages.find((s) => s.kind === 'train')!.output;

beforeAll(async () => {
  state = await manager.start({ brokers: 1, security: { saslSsl: true, users: Object.values(users), superUsers: ['admin'] } });
  topology = namespaced(loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() }), uniquePrefix('acls'));
  topologyFile = writeTopologyFile(topology);
  await portAs(users.admin).withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
});
afterAll(async () => manager.stop({ purge: true }));

describe('least privilege with the StandardAuthorizer', () => {
  it('a principal without ACLs can do nothing, not even grant itself some', async () => {
    const err = await failureOf(portAs(users.cleaner).readToEnd({ topic: topology.ingest }, () => undefined));
    expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
    expect(err.hint).toMatch(/acls apply/);
    const selfGrant = await cliAs(users.cleaner, ['acls', 'apply', '--topology', topologyFile, '--principal', 'clean=User:cleaner']);
    expect(selfGrant.code).not.toBe(0);
    expect(selfGrant.stderr).toMatch(/not authorized|AUTHORIZATION_FAILED/);
  });

  it('acls apply, as the super user, grants the principals what acls plan lists', async () => {
    const args = ['--topology', topologyFile, '--principal', 'clean=User:cleaner', '--subscriber', 'User:reader'];
    const planned = await cliAs(users.admin, ['acls', 'plan', ...args]);
    expect(planned.code).toBe(0);
    const bindings = planned.json.filter((l) => 'principal' in l);
    const applied = await cliAs(users.admin, ['acls', 'apply', ...args]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.json.at(-1)).toMatchObject({ applied: bindings.length });
    // applying twice changes nothing
    expect((await cliAs(users.admin, ['acls', 'apply', ...args])).code).toBe(0);
    const cleanerAcls = await portAs(users.admin).withAdmin((a) => a.describeAcls('User:cleaner'));
    expect(cleanerAcls).toHaveLength(bindings.filter((b) => b.principal === 'User:cleaner').length);
  });

  it('the clean stage runs normally with exactly its ACLs', async () => {
    const producer = new IngestProducer({ kafka: portAs(users.admin), topic: topology.ingest });
    await producer.connect();
    const sent = await producer.send([...generateReviews({ count: 300, seed: 5 })]);
    await producer.close();
    expect(sent.produced).toBeGreaterThan(250);

    const pipeline = new Pipeline({ kafka: portAs(users.cleaner), topology, stages: ['clean'], instance: 'acls' });
    await pipeline.start();
    try {
      await waitForStages(pipeline, { clean: () => sent.produced });
    } finally {
      await pipeline.stop();
    }
    const clean = (await collectStatus(portAs(users.admin), topology)).stages.find((s) => s.stage === 'clean')!;
    expect(clean.in).toBe(sent.produced);
    expect(clean.identityHolds).toBe(true);
    expect(clean.lag).toBe(0);
  });

  it("the clean stage's principal cannot write to the model topic", async () => {
    const producer = portAs(users.cleaner).producer();
    await producer.connect();
    try {
      const err = await failureOf(producer.send([{ topic: modelTopic(), messages: [{ key: 'x', value: Buffer.from('not a model') }] }]));
      expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
      expect(err.message).toMatch(/AUTHORIZATION_FAILED/);
    } finally {
      await producer.disconnect();
    }
  });

  it('a subscriber reads the model topic but cannot produce to it, nor read the reviews', async () => {
    const reader = portAs(users.reader);
    let records = 0;
    await reader.readToEnd({ topic: modelTopic() }, () => void records++);
    expect(records).toBe(0); // no trainer ran: the point is that reading is allowed

    // with no write ACL anywhere, the broker refuses even a producer id
    const producer = reader.producer();
    try {
      const err = await failureOf(producer.connect().then(() => producer.send([{ topic: modelTopic(), messages: [{ key: 'x', value: Buffer.from('forged') }] }])));
      expect(err.code).toBe(ErrorCode.KAFKA_AUTH);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
    expect((await failureOf(reader.readToEnd({ topic: topology.ingest }, () => undefined))).code).toBe(ErrorCode.KAFKA_AUTH);
  });
});
