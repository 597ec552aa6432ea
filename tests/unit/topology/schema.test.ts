import { describe, it } from 'vitest';
import type { TopologyIssue } from '../../../src/topology/index.js';
import { expectIssue, shopWith, type RawTopology } from './helpers.js';

const TOPIC_NAME = 'topic names use letters, digits, ".", "_" and "-" (at most 249)';
const AS_SAID = 'correct the value as the message says';
const required = (path: string, type: string): TopologyIssue => ({ path, message: 'Required', fix: `give ${type} (it is required)` });
const wrongType = (path: string, expected: string, received: string, article = 'a'): TopologyIssue => ({
  path,
  message: `Expected ${expected}, received ${received}`,
  fix: `give ${article} ${expected}`,
});
const atLeast = (path: string, min: number): TopologyIssue => ({ path, message: `Number must be greater than or equal to ${min}`, fix: `use a value ≥ ${min}` });
const atMost = (path: string, max: number): TopologyIssue => ({ path, message: `Number must be less than or equal to ${max}`, fix: `use a value ≤ ${max}` });
const unknownKey = (path: string, key: string): TopologyIssue => ({ path, message: `Unrecognized key(s) in object: '${key}'`, fix: `remove ${key} (not an option here)` });
const stage = (t: RawTopology): Record<string, unknown> => t.stages[0]!;

type Case = [string, (t: RawTopology) => unknown, TopologyIssue];

describe('topology schema', () => {
  it.each<Case>([
    ['a file that is not a mapping', () => null, wrongType('', 'object', 'null', 'an')],
    ['a missing name', (t) => void delete t.name, required('name', 'a string')],
    ['a missing ingest topic', (t) => void delete t.ingest, required('ingest', 'a string')],
    ['missing topics', ({ topics: _topics, ...rest }) => rest, required('topics', 'an object')],
    ['missing stages', ({ stages: _stages, ...rest }) => rest, required('stages', 'an array')],
    ['a top-level key the schema does not know', (t) => void (t.stagez = []), unknownKey('', 'stagez')],
    ['a topology name with capitals', (t) => void (t.name = 'Shop'), { path: 'name', message: 'topology names are lower-case letters, digits and "-"', fix: AS_SAID }],
    ['a description that is not text', (t) => void (t.description = 7), wrongType('description', 'string', 'number')],
    ['an unknown delivery mode', (t) => void (t.delivery = 'twice'), { path: 'delivery', message: "Invalid enum value. Expected 'at-least-once' | 'exactly-once', received 'twice'", fix: 'use one of at-least-once, exactly-once' }],
    ['fuse given as text', (t) => void (t.fuse = 'yes'), wrongType('fuse', 'boolean', 'string')],
    ['an ingest topic with a bad name', (t) => void (t.ingest = 'raw reviews'), { path: 'ingest', message: TOPIC_NAME, fix: AS_SAID }],
    ['no stages at all', (t) => void (t.stages = []), { path: 'stages', message: 'Array must contain at least 1 element(s)', fix: 'give at least 1 item(s)' }],
  ])('the topology schema rejects %s, naming the path and the fix', (_name, change, issue) => {
    expectIssue(shopWith(change), issue);
  });

  it.each<Case>([
    ['a topic name with a space', (t) => void (t.topics['raw reviews'] = {}), { path: 'topics.raw reviews', message: TOPIC_NAME, fix: AS_SAID }],
    ['a topic key the schema does not know', (t) => void (t.topics.raw = { partition: 3 }), unknownKey('topics.raw', 'partition')],
    ['zero partitions', (t) => void (t.topics.raw = { partitions: 0 }), atLeast('topics.raw.partitions', 1)],
    ['too many partitions', (t) => void (t.topics.raw = { partitions: 20_000 }), atMost('topics.raw.partitions', 10_000)],
    ['a fractional partition count', (t) => void (t.topics.raw = { partitions: 1.5 }), wrongType('topics.raw.partitions', 'integer', 'float', 'an')],
    ['a replication factor given as text', (t) => void (t.topics.raw = { replication: '3' }), wrongType('topics.raw.replication', 'number', 'string')],
    ['a replication factor above 7', (t) => void (t.topics.raw = { replication: 8 }), atMost('topics.raw.replication', 7)],
    ['a retention below -1', (t) => void (t.topics.raw = { retentionMs: -2 }), atLeast('topics.raw.retentionMs', -1)],
    ['compaction given as text', (t) => void (t.topics.raw = { compaction: 'on' }), wrongType('topics.raw.compaction', 'boolean', 'string')],
    ['a topic config value that is not text', (t) => void (t.topics.raw = { config: { 'retention.bytes': 1024 } }), wrongType('topics.raw.config.retention.bytes', 'string', 'number')],
  ])('the topic schema rejects %s, naming the path and the fix', (_name, change, issue) => {
    expectIssue(shopWith(change), issue);
  });

  it.each<Case>([
    ['a broker without a port', (t) => void (t.broker = { brokers: ['localhost'] }), { path: 'broker.brokers[0]', message: 'a broker is host:port', fix: AS_SAID }],
    ['an empty client id', (t) => void (t.broker = { clientId: '' }), { path: 'broker.clientId', message: 'String must contain at least 1 character(s)', fix: 'use at least 1 character(s)' }],
    ['a connection timeout under 100 ms', (t) => void (t.broker = { connectionTimeoutMs: 50 }), atLeast('broker.connectionTimeoutMs', 100)],
    ['a request timeout over 10 minutes', (t) => void (t.broker = { requestTimeoutMs: 600_001 }), atMost('broker.requestTimeoutMs', 600_000)],
    ['a broker key the schema does not know', (t) => void (t.broker = { bootstrap: 'x:1' }), unknownKey('broker', 'bootstrap')],
    [
      'an unknown SASL mechanism',
      (t) => void (t.broker = { sasl: { mechanism: 'md5', username: 'u', password: 'p' } }),
      { path: 'broker.sasl.mechanism', message: "Invalid enum value. Expected 'plain' | 'scram-sha-256' | 'scram-sha-512', received 'md5'", fix: 'use one of plain, scram-sha-256, scram-sha-512' },
    ],
    ['SASL without a password', (t) => void (t.broker = { sasl: { mechanism: 'plain', username: 'u' } }), required('broker.sasl.password', 'a string')],
    ['a TLS key the schema does not know', (t) => void (t.broker = { tls: { ca: 'ca.pem' } }), unknownKey('broker.tls', 'ca')],
    ['rejectUnauthorized given as text', (t) => void (t.broker = { tls: { rejectUnauthorized: 'no' } }), wrongType('broker.tls.rejectUnauthorized', 'boolean', 'string')],
  ])('the broker schema rejects %s, naming the path and the fix', (_name, change, issue) => {
    expectIssue(shopWith(change), issue);
  });

  it.each<Case>([
    ['a schema registry without a url', (t) => void (t.schemaRegistry = {}), required('schemaRegistry.url', 'a string')],
    ['a schema registry url that is not a URL', (t) => void (t.schemaRegistry = { url: 'localhost:8081' }), { path: 'schemaRegistry.url', message: 'the schema registry url starts with http:// or https://', fix: AS_SAID }],
    ['a schema registry key the schema does not know', (t) => void (t.schemaRegistry = { url: 'http://localhost:8081', subject: 'x' }), unknownKey('schemaRegistry', 'subject')],
    ['a schema registry timeout under 100 ms', (t) => void (t.schemaRegistry = { url: 'http://localhost:8081', requestTimeoutMs: 10 }), atLeast('schemaRegistry.requestTimeoutMs', 100)],
    ['a schema registry timeout a stage could not wait out within its session', (t) => void (t.schemaRegistry = { url: 'http://localhost:8081', requestTimeoutMs: 60_000 }), atMost('schemaRegistry.requestTimeoutMs', 20_000)],
  ])('the schema registry block rejects %s, naming the path and the fix', (_name, change, issue) => {
    expectIssue(shopWith(change), issue);
  });

  it.each<Case>([
    ['a stage id with capitals', (t) => void (stage(t).id = 'Tidy'), { path: 'stages[0].id', message: 'stage ids are lower-case letters, digits and "-"', fix: AS_SAID }],
    ['an empty kind', (t) => void (stage(t).kind = ''), { path: 'stages[0].kind', message: 'String must contain at least 1 character(s)', fix: 'use at least 1 character(s)' }],
    ['a missing input', (t) => void delete stage(t).input, required('stages[0].input', 'a string')],
    ['an output with a bad topic name', (t) => void (stage(t).output = 'clean reviews'), { path: 'stages[0].output', message: TOPIC_NAME, fix: AS_SAID }],
    ['a dead-letter topic with a bad name', (t) => void (stage(t).deadLetter = 'dl q'), { path: 'stages[0].deadLetter', message: TOPIC_NAME, fix: AS_SAID }],
    ['an empty group', (t) => void (stage(t).group = ''), { path: 'stages[0].group', message: 'String must contain at least 1 character(s)', fix: 'use at least 1 character(s)' }],
    ['zero instances', (t) => void (stage(t).instances = 0), atLeast('stages[0].instances', 1)],
    ['more than 64 instances', (t) => void (stage(t).instances = 65), atMost('stages[0].instances', 64)],
    ['a batch size over 100,000', (t) => void (stage(t).batchSize = 100_001), atMost('stages[0].batchSize', 100_000)],
    ['a session timeout under the broker’s 6 s', (t) => void (stage(t).sessionTimeoutMs = 1_000), atLeast('stages[0].sessionTimeoutMs', 6_000)],
    ['options that are not a mapping', (t) => void (stage(t).options = 'fast'), wrongType('stages[0].options', 'object', 'string', 'an')],
    ['a stage key the schema does not know', (t) => void (stage(t).inputs = ['raw']), unknownKey('stages[0]', 'inputs')],
  ])('the stage schema rejects %s, naming the path and the fix', (_name, change, issue) => {
    expectIssue(shopWith(change), issue);
  });
});
