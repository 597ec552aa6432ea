import { describe, expect, it } from 'vitest';
import { parseTopology, type TopologyIssue } from '../../../src/topology/index.js';
import { expectIssue, FILE, KINDS, rejection, shop, shopWith, type RawTopology } from './helpers.js';

const DECLARED = 'raw, clean, accepted, rejected, quality, dlq';
const undeclared = (topic: string, path: string): TopologyIssue => ({
  path,
  message: `topic "${topic}" is not declared under topics`,
  fix: `add "${topic}:" under topics, or correct the name (declared: ${DECLARED})`,
});
const stage = (t: RawTopology, i: number): Record<string, unknown> => t.stages[i]!;

describe('validateTopology', () => {
  it('validateTopology accepts the shop topology (each case below breaks one thing), fills groups and option defaults', () => {
    const topology = parseTopology(shop(), FILE, { kinds: KINDS });
    expect(topology.stages.map((s) => s.group)).toEqual(['shop.tidy', 'shop.check']);
    expect(topology.stages[0]!.options).toEqual({ ratio: 0.5, mode: 'fast' });
    expect(Object.isFrozen(topology.stages[0])).toBe(true);
    const named = parseTopology(shopWith((t) => void (stage(t, 1).group = 'shop-judges')), FILE, { kinds: KINDS });
    expect(named.stages.map((s) => s.group)).toEqual(['shop.tidy', 'shop-judges']);
  });

  it.each<[string, (t: RawTopology) => void, TopologyIssue]>([
    ['an ingest topic that is not declared', (t) => void (t.ingest = 'orders'), undeclared('orders', 'ingest')],
    ['a stage input that is not declared', (t) => void (stage(t, 0).input = 'orders'), undeclared('orders', 'stages[0].input')],
    ['a stage output that is not declared', (t) => void (stage(t, 0).output = 'tidied'), undeclared('tidied', 'stages[0].output')],
    ['a dead-letter topic that is not declared', (t) => void (stage(t, 0).deadLetter = 'dead'), undeclared('dead', 'stages[0].deadLetter')],
    ['a quarantine topic that is not declared', (t) => void (stage(t, 1).quarantine = 'refused'), undeclared('refused', 'stages[1].quarantine')],
    ['a quality topic that is not declared', (t) => void (stage(t, 1).quality = 'metrics'), undeclared('metrics', 'stages[1].quality')],
    [
      'two stages with one id',
      (t) => void (stage(t, 1).id = 'tidy'),
      { path: 'stages[1].id', message: 'duplicate stage id "tidy"', fix: 'give every stage a unique id' },
    ],
    [
      'a group that is another stage’s default group',
      (t) => void (stage(t, 1).group = 'shop.tidy'),
      { path: 'stages[1].group', message: 'consumer group "shop.tidy" is already used by stage "tidy"', fix: 'give each stage its own consumer group' },
    ],
    [
      'a stage that writes to the topic it reads',
      (t) => void (stage(t, 0).output = 'raw'),
      { path: 'stages[0].output', message: 'a stage cannot write to the topic it reads', fix: 'write to a new topic and let the next stage read it' },
    ],
    [
      'an unknown stage kind',
      (t) => void (stage(t, 0).kind = 'dedupe'),
      { path: 'stages[0].kind', message: 'unknown stage kind "dedupe"', fix: 'use one of pass, judge, or a module of yours: ./my-stage.js#exportName' },
    ],
    [
      'a judge without its quarantine topic',
      (t) => void delete stage(t, 1).quarantine,
      { path: 'stages[1].quarantine', message: 'a judge stage needs a quarantine topic', fix: 'add "quarantine: <topic>" to the stage' },
    ],
    [
      'a judge without its quality topic',
      (t) => void delete stage(t, 1).quality,
      { path: 'stages[1].quality', message: 'a judge stage needs a quality topic', fix: 'add "quality: <topic>" to the stage' },
    ],
    [
      'a stage reading a topic nothing writes',
      (t) => {
        t.topics.archive = {};
        stage(t, 1).input = 'archive';
      },
      { path: 'stages[1].input', message: 'nothing writes to "archive", so stage "check" would never receive a record', fix: 'read "raw" or the output of another stage, or set ingest: archive' },
    ],
    [
      'stages that form a cycle',
      (t) => void (stage(t, 1).output = 'raw'),
      { path: 'stages', message: 'the stages form a cycle: raw → clean → raw', fix: 'a topology is a DAG: make the last stage of the cycle write to a new topic' },
    ],
  ])('validateTopology rejects %s, naming the path and the fix', (_name, change, issue) => {
    expectIssue(shopWith(change), issue);
  });

  it.each<[string, Record<string, unknown>, TopologyIssue]>([
    ['a value outside an enum', { mode: 'slow' }, { path: 'stages[0].options.mode', message: "Invalid enum value. Expected 'fast' | 'careful', received 'slow'", fix: 'use one of fast, careful' }],
    ['an option the kind does not have', { colour: 'red' }, { path: 'stages[0].options', message: "Unrecognized key(s) in object: 'colour'", fix: 'remove colour (not an option here)' }],
    ['a value of the wrong type', { ratio: 'half' }, { path: 'stages[0].options.ratio', message: 'Expected number, received string', fix: 'give a number' }],
    ['a value at a strict lower bound', { ratio: 0 }, { path: 'stages[0].options.ratio', message: 'Number must be greater than 0', fix: 'use a value > 0' }],
    ['a value above the upper bound', { ratio: 2 }, { path: 'stages[0].options.ratio', message: 'Number must be less than or equal to 1', fix: 'use a value ≤ 1' }],
    ['a value that breaks a pattern', { tag: 'A1' }, { path: 'stages[0].options.tag', message: 'tags are lower-case letters', fix: 'correct the value as the message says' }],
  ])('validateTopology rejects stage options with %s', (_name, options, issue) => {
    expectIssue(shopWith((t) => void (stage(t, 0).options = options)), issue);
  });

  it('validateTopology rejects a missing required option, saying it is required', () => {
    expectIssue(shopWith((t) => void (stage(t, 1).options = {})), { path: 'stages[1].options.threshold', message: 'Required', fix: 'give a number (it is required)' });
  });

  it('validateTopology reports every problem at once, counted, in one message', () => {
    const { message, issues } = rejection(
      shopWith((t) => {
        stage(t, 0).kind = 'dedupe';
        stage(t, 1).options = { threshold: 'high' };
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['stages[0].kind', 'stages[1].options.threshold']);
    expect(message.split('\n')[0]).toBe('invalid topology (2 problems):');
  });
});
