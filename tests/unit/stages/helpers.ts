/** Builders and runners shared by the stage tests: records, positions and one-call transforms. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawReview, Review } from '../../../src/records/types.js';
import { augmentStage, type AugmentOptions } from '../../../src/stages/augment.js';
import { cleanStage, type CleanOptions, type CleanState } from '../../../src/stages/clean.js';
import { gateStage, type GateOptions, type GateState } from '../../../src/stages/gate.js';
import type { Emission, InputPosition } from '../../../src/stages/types.js';

export function position(offset: number, partition = 0, timestamp = 1_700_000_000_000 + offset): InputPosition {
  return { topic: 'reviews.raw', partition, offset, timestamp };
}

export function rawReview(text: string, overrides: Partial<RawReview> = {}): RawReview {
  return { id: 'r-1', text, label: 1, rating: null, source: 'test', ingestedAt: 1_700_000_000_000, ...overrides };
}

export function review(text: string, overrides: Partial<Review> = {}): Review {
  return {
    id: 'r-1',
    text,
    label: 1,
    source: 'test',
    ingestedAt: 1_700_000_000_000,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'reviews.raw', sourcePartition: 0, sourceOffset: 0, stages: ['clean', 'augment'] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
    ...overrides,
  };
}

export function cleanOptions(overrides: Partial<CleanOptions> = {}): CleanOptions {
  return cleanStage.options.parse(overrides);
}

export function gateOptions(overrides: Partial<GateOptions> = {}): GateOptions {
  return gateStage.options.parse(overrides);
}

export function augmentOptions(overrides: Partial<AugmentOptions> = {}): AugmentOptions {
  return augmentStage.options.parse(overrides);
}

export function runClean(record: RawReview, at: InputPosition, options: CleanOptions, state: CleanState): Emission[] {
  return cleanStage.transform(record, { options, state, position: at, instance: 'test' });
}

export function runGate(record: Review, at: InputPosition, options: GateOptions, state: GateState): Emission[] {
  return gateStage.transform(record, { options, state, position: at, instance: 'test' });
}

export function runAugment(record: Review, options: AugmentOptions, at: InputPosition = position(0)): Emission[] {
  return augmentStage.transform(record, { options, state: undefined, position: at, instance: 'test' });
}

/** The one `out` review of an emission list; fails the test if there is not exactly one. */
export function onlyOut(emissions: Emission[]): Review {
  const outs = emissions.flatMap((e) => (e.kind === 'out' ? [e.review] : []));
  if (outs.length !== 1 || outs[0] === undefined) throw new Error(`expected one out emission, got ${JSON.stringify(emissions)}`);
  return outs[0];
}

/** The reasons of a quarantine emission, or [] when the record was accepted. */
export function quarantineReasons(emissions: Emission[]): string[] {
  for (const e of emissions) if (e.kind === 'quarantine') return e.reasons;
  return [];
}

// The shared data sits next to the repository, never inside it.
export const dataPath = (path: string): string => fileURLToPath(new URL(`../../../../shared/data/${path}`, import.meta.url));

export interface DataRecord {
  id: string;
  text: string;
  label: number;
  source: string;
}

export function readJsonl(path: string): DataRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DataRecord);
}

export function dataPresent(...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) console.warn(`skipping real-data stage tests: ${missing.join(', ')} absent (see shared/data/README.md next to the repository)`);
  return missing.length === 0;
}
