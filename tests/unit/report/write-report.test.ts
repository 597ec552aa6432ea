import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { renderReportHtml } from '../../../src/report/render-html.js';
import { writeReport } from '../../../src/report/write-report.js';
import { sampleReportData } from './sample-data.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeReport', () => {
  it('writeReport creates missing folders, writes the rendered page and returns its absolute path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reviewflow-report-'));
    dirs.push(dir);
    const relPath = relative(process.cwd(), join(dir, 'nested', 'report.html'));
    const written = await writeReport(sampleReportData(), relPath);
    expect(isAbsolute(written)).toBe(true);
    expect(written).toBe(join(dir, 'nested', 'report.html'));
    expect(await readFile(written, 'utf8')).toBe(renderReportHtml(sampleReportData()));
  });

  it('writeReport fails with a coded, non-retriable error when the folder cannot be made', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reviewflow-report-'));
    dirs.push(dir);
    await writeFile(join(dir, 'a-file'), 'x');
    const err = await writeReport(sampleReportData(), join(dir, 'a-file', 'report.html')).catch((e: unknown) => e);
    expect(hasCode(err, 'INVALID_CONFIG')).toBe(true);
    expect((err as { retriable: boolean }).retriable).toBe(false);
  });
});
