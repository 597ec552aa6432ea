import { describe, expect, it } from 'vitest';
import { describeTrainer, newestVersionPerModel } from '../../../src/report/versions.js';
import { sampleReportData } from './sample-data.js';

describe('report versions', () => {
  const [v1, v2] = sampleReportData().versions;

  it('newestVersionPerModel keeps the newest version of each model, in order of first appearance', () => {
    const spam = { ...v1!, model: 'spam', version: 4 };
    const picked = newestVersionPerModel([v2!, spam, v1!, { ...spam, version: 3, createdAt: spam.createdAt - 1 }]);
    expect(picked.map((v) => `${v.model} v${v.version}`)).toEqual(['sentiment v2', 'spam v4']);
  });

  it('newestVersionPerModel breaks a tie in publish time by the version number', () => {
    const picked = newestVersionPerModel([{ ...v2!, createdAt: v1!.createdAt }, v1!]);
    expect(picked.map((v) => v.version)).toEqual([2]);
  });

  it('describeTrainer names the backend, the device where known and the executor where recorded', () => {
    expect(describeTrainer(v1!)).toBe('cpu, sparse executor');
    expect(describeTrainer({ ...v1!, backend: 'webgpu', device: 'Apple M2', executor: 'tfjs' })).toBe('webgpu on Apple M2, tfjs executor');
    expect(describeTrainer({ ...v1!, executor: null })).toBe('cpu');
  });
});
