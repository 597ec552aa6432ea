import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/topology/index.js';
import { writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { runCliAs, terminalLines } from '../helpers/terminal.js';

/**
 * Issue #14: under `npm start` in a terminal, pino's JSON lines were printed through the
 * progress bars. In a terminal the demo shows progress and plain-words log lines above it;
 * piped, the logs stay JSON.
 */
const kafka = testKafka();
let topology: Topology;
let file: string;

beforeAll(async () => {
  topology = await testTopology(kafka, 'demo-tty');
  file = writeTopologyFile(topology);
});
afterAll(async () => dropTopology(kafka, topology));

const TERMINAL = { columns: 160, rows: 45 };
/** A progress line of the demo: ` clean    | 995 rec | 595/s | out 966 · ...`. */
const FRAME_LINE = /^ (\S+)\s*\| \d+ rec \| -?\d+\/s \|/;

function demoArgs(dir: string, ...extra: string[]): string[] {
  return ['--topology', file, 'demo', '--duration', '10s', '--rate', '1000', '--report', join(dir, 'report.html'), ...extra];
}

function parsesAsObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line.trim());
    return typeof value === 'object' && value !== null;
  } catch {
    return false; // not JSON: what a person should see
  }
}

/** The terminal's lines from the first progress line to the last one. */
function betweenFrames(output: string): string[] {
  const lines = terminalLines(output);
  const first = lines.findIndex((l) => FRAME_LINE.test(l));
  const last = lines.findLastIndex((l) => FRAME_LINE.test(l));
  return first < 0 ? [] : lines.slice(first, last + 1);
}

describe('demo output in a terminal and piped', () => {
  it('demo in a terminal prints progress frames with no JSON line between them', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reviewflow-tty-'));
    const run = await runCliAs(demoArgs(dir), { cwd: dir, terminal: TERMINAL });
    expect(run.code, run.stdout.slice(-3_000)).toBe(0);
    const window = betweenFrames(run.stdout);
    expect(window.filter((l) => FRAME_LINE.test(l)).length).toBeGreaterThan(10);
    expect(window.filter(parsesAsObject)).toEqual([]);
    // no JSON torn into a frame either, and info chatter stays hidden by default
    expect(window.filter((l) => l.includes('{"'))).toEqual([]);
    expect(run.stdout).not.toContain('partitions assigned');
    // the run's summary is still the last line, as JSON
    expect(parsesAsObject(terminalLines(run.stdout).at(-1)!)).toBe(true);
  });

  it('demo --log-level info in a terminal prints log lines in plain words above the frames', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reviewflow-tty-'));
    const run = await runCliAs(demoArgs(dir, '--log-level', 'info'), { cwd: dir, terminal: TERMINAL });
    expect(run.code, run.stdout.slice(-3_000)).toBe(0);
    const window = betweenFrames(run.stdout);
    expect(window.filter(parsesAsObject)).toEqual([]);
    expect(window.filter((l) => l.includes('{"'))).toEqual([]);
    // stages stop while the bars still draw: their lines sit whole between frames
    const stopped = window.filter((l) => / info \[\S+\] stage stopped/.test(l));
    expect(stopped.length).toBe(topology.stages.length);
    expect(stopped.every((l) => /^\d\d:\d\d:\d\d info \[\S+\] stage stopped/.test(l))).toBe(true);
  });

  it('demo piped logs JSON lines from info up, as before', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reviewflow-tty-'));
    const run = await runCliAs(demoArgs(dir), { cwd: dir });
    expect(run.code, run.stderr.slice(-3_000)).toBe(0);
    const logs = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; stage?: string });
    expect(logs.filter((l) => l.msg === 'partitions assigned' && l.level === 30).length).toBeGreaterThanOrEqual(topology.stages.length);
    expect(logs.filter((l) => l.msg === 'stage stopped').map((l) => l.stage).sort()).toEqual(topology.stages.map((s) => s.id).sort());
    // no plain-words log line when nobody reads at a terminal
    expect(run.stderr).not.toMatch(/^\d\d:\d\d:\d\d (info|warning|error) /m);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ stopped: 'duration 10s reached' });
  });
});
