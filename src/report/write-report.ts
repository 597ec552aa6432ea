import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ErrorCode, fatal } from '../errors.js';
import { renderReportHtml } from './render-html.js';
import type { RunReportData } from './types.js';

/** Renders the report and writes it (creating folders as needed); returns the absolute path. */
export async function writeReport(data: RunReportData, path: string): Promise<string> {
  const absolute = resolve(path);
  const html = renderReportHtml(data);
  try {
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(absolute, html, 'utf8');
  } catch (cause) {
    throw fatal(ErrorCode.INVALID_CONFIG, `cannot write the run report to ${absolute}`, {
      cause,
      hint: 'choose a report path in a folder you can write to',
    });
  }
  return absolute;
}
