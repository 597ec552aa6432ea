import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write-report.js';
import type { RunReportData } from '../../src/report/types.js';
import { emptyReportData, sampleReportData } from '../unit/report/sample-data.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_TIMEOUT_MS = 60_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reviewflow-report-render-'));
  tempDirs.push(dir);
  return dir;
}

/** Not skipped when absent: the report is a product surface, so CI must be able to look at it. */
function requireChromium(): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium); CI installs it`);
  }
  return CHROMIUM;
}

/** Headless Chromium with a fresh profile and nothing that reaches the network. */
async function chromium(dir: string, args: readonly string[]): Promise<string> {
  const profile = await mkdtemp(join(dir, 'profile-'));
  const { stdout } = await run(
    requireChromium(),
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { timeout: CHROMIUM_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

async function renderedDom(data: RunReportData): Promise<{ dir: string; url: string; dom: string }> {
  const dir = await tempDir();
  const path = await writeReport(data, join(dir, 'report.html'));
  const url = pathToFileURL(path).href;
  const dom = await chromium(dir, ['--dump-dom', url]);
  return { dir, url, dom };
}

const attr = (dom: string, name: string) => dom.match(new RegExp(`<body[^>]*\\s${name}="(\\d+)"`))?.[1];

describe('report.html in headless Chromium', () => {
  it('report.html draws all five charts (the newest version\'s reliability curve included) with non-zero geometry', async () => {
    const { dom } = await renderedDom(sampleReportData());
    expect(attr(dom, 'data-charts-total')).toBe('5');
    expect(attr(dom, 'data-charts-rendered')).toBe('5');
    for (const chart of ['accuracy', 'throughput', 'quarantine', 'quality', 'reliability-sentiment']) {
      expect(dom).toMatch(new RegExp(`<svg [^>]*data-chart="${chart}"[^>]*data-rendered="true"`));
    }
  });

  it('report.html of an empty run shows four empty states and no plotted geometry', async () => {
    const { dom } = await renderedDom(emptyReportData());
    expect(attr(dom, 'data-charts-total')).toBe('4');
    expect(attr(dom, 'data-charts-rendered')).toBe('0');
    expect(dom.match(/class="empty-state"/g)).toHaveLength(4);
  });

  it('report.html screenshots as a non-trivial PNG', async () => {
    const dir = await tempDir();
    const path = await writeReport(sampleReportData(), join(dir, 'report.html'));
    const png = join(dir, 'report.png');
    await chromium(dir, ['--window-size=1000,3000', `--screenshot=${png}`, pathToFileURL(path).href]);
    const bytes = await readFile(png);
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(bytes.readUInt32BE(16)).toBe(1000); // IHDR width
    expect(bytes.readUInt32BE(20)).toBe(3000); // IHDR height
    expect((await stat(png)).size).toBeGreaterThan(10 * 1024);
  });
});
