import { describe, expect, it } from 'vitest';
import { RETRAIN_GROUP_PREFIX } from '../../../src/kafka/index.js';
import { builtinKinds } from '../../../src/runtime/kinds.js';
import { aclPlan, loadTopology, type Topology } from '../../../src/topology/index.js';

const topology: Topology = loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() });
const trains = (stage: { kind: string }) => builtinKinds.of(stage).trains;
const modelTopic = topology.stages.find((s) => s.kind === 'train')!.output;

describe('aclPlan', () => {
  const plan = aclPlan(topology, { stages: { clean: 'User:cleaner' }, subscriber: 'User:reader' }, trains);
  const of = (principal: string) => plan.filter((b) => b.principal === principal);

  it('gives each stage its own principal (the group unless named) and no duplicate binding', () => {
    const principals = new Set(plan.map((b) => b.principal));
    expect(principals).toEqual(new Set(['User:cleaner', ...topology.stages.filter((s) => s.id !== 'clean').map((s) => `User:${s.group}`), 'User:reader', `User:${topology.name}.producer`]));
    const keys = plan.map((b) => JSON.stringify(b));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lets only the trainer write the model topic, and subscribers only read it', () => {
    const writers = plan.filter((b) => b.resourceName === modelTopic && b.operation === 'write').map((b) => b.principal);
    expect(writers).toEqual([`User:${topology.stages.find((s) => s.kind === 'train')!.group}`]);
    expect(of('User:reader').filter((b) => b.resourceType === 'topic')).toEqual([
      { principal: 'User:reader', resourceType: 'topic', resourceName: modelTopic, pattern: 'literal', operation: 'read' },
      { principal: 'User:reader', resourceType: 'topic', resourceName: modelTopic, pattern: 'literal', operation: 'describe' },
    ]);
  });

  it('lets a stage read its input and write its outputs, changelog and stats, and nothing of another stage', () => {
    const clean = topology.stages.find((s) => s.id === 'clean')!;
    const topics = (op: string) => new Set(of('User:cleaner').filter((b) => b.resourceType === 'topic' && b.operation === op).map((b) => b.resourceName));
    expect(topics('read')).toEqual(new Set([clean.input, `${clean.group}.changelog`, `${clean.group}.stats`]));
    expect(topics('write')).toEqual(new Set([clean.output, ...(clean.deadLetter ? [clean.deadLetter] : []), `${clean.group}.changelog`, `${clean.group}.stats`]));
    expect(of('User:cleaner').filter((b) => b.resourceType === 'group' && b.pattern === 'literal').map((b) => b.resourceName)).toEqual([clean.group, clean.group]);
  });

  it('lets only the trainer principal use the groups of `reviewflow retrain`', () => {
    const retrainGroups = plan.filter((b) => b.resourceType === 'group' && b.resourceName === RETRAIN_GROUP_PREFIX);
    expect(new Set(retrainGroups.map((b) => b.principal))).toEqual(new Set([`User:${topology.stages.find((s) => s.kind === 'train')!.group}`]));
    expect(retrainGroups.map((b) => `${b.pattern}:${b.operation}`)).toEqual(['prefixed:read', 'prefixed:describe', 'prefixed:delete']);
  });

  it('adds transactional ids only under exactly-once', () => {
    expect(plan.some((b) => b.resourceType === 'transactional-id')).toBe(false);
    const exactly = aclPlan({ ...topology, delivery: 'exactly-once' }, {}, trains);
    const tx = exactly.filter((b) => b.resourceType === 'transactional-id');
    expect(tx.length).toBe(topology.stages.length * 2);
    expect(tx.every((b) => b.pattern === 'prefixed' && b.resourceName.endsWith('.tx.'))).toBe(true);
  });
});
