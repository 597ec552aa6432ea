import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { loadTopology, namespaced, parseTopology } from '../../../src/topology/index.js';
import { FILE, KINDS, shopWith } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'reviewflow-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseTopology placeholders', () => {
  const withClientId = (clientId: string): unknown => shopWith((t) => void (t.broker = { clientId }));

  it('parseTopology fills ${NAME} from the given environment, and ${NAME:-default} when it is unset', () => {
    expect(parseTopology(withClientId('${SHOP_CLIENT}'), FILE, { kinds: KINDS, env: { SHOP_CLIENT: 'shop-7' } }).broker.clientId).toBe('shop-7');
    expect(parseTopology(withClientId('${SHOP_CLIENT:-shop}'), FILE, { kinds: KINDS, env: {} }).broker.clientId).toBe('shop');
  });

  it('parseTopology rejects an unset ${NAME} without a default, naming the path and the fix', () => {
    expect(() => parseTopology(withClientId('${SHOP_CLIENT}'), FILE, { kinds: KINDS, env: {} })).toThrowError(
      expect.objectContaining({
        code: ErrorCode.INVALID_TOPOLOGY,
        message: expect.stringContaining(`${FILE}: broker.clientId: environment variable SHOP_CLIENT is not set\n  fix: export SHOP_CLIENT=... or give a default: \${SHOP_CLIENT:-value}`),
      }),
    );
  });
});

describe('loadTopology', () => {
  it('loadTopology rejects YAML it cannot parse, naming the line and the fix', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: shop\nstages: [\n  - id: tidy\n');
    expect(() => loadTopology(file, { kinds: KINDS })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPOLOGY, message: expect.stringMatching(/broken\.yaml: line \d+: YAML syntax: .+\n {2}fix: fix the YAML syntax at that line/) }),
    );
  });

  it('loadTopology rejects a file it cannot read, with a hint to pass --topology', () => {
    expect(() => loadTopology(join(dir, 'missing.yaml'), { kinds: KINDS })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPOLOGY, message: expect.stringContaining('cannot read topology file'), hint: expect.stringContaining('--topology') }),
    );
  });
});

describe('namespaced', () => {
  it('namespaced prefixes every topic and every group, the filled-in default groups included', () => {
    const topology = namespaced(parseTopology(shopWith((t) => void (t.stages[1]!.group = 'judges')), FILE, { kinds: KINDS }), 't-1.');
    expect(topology.ingest).toBe('t-1.raw');
    expect(Object.keys(topology.topics)).toEqual(['t-1.raw', 't-1.clean', 't-1.accepted', 't-1.rejected', 't-1.quality', 't-1.dlq']);
    expect(topology.stages.map((s) => [s.input, s.output, s.group])).toEqual([
      ['t-1.raw', 't-1.clean', 't-1.shop.tidy'],
      ['t-1.clean', 't-1.accepted', 't-1.judges'],
    ]);
  });
});
