import { ErrorCode, fatal } from '../errors.js';
import type { ModelLabel } from '../records/types.js';

/** What a subscriber follows: the newest verified version, a label, or one version. */
export type Follow = { kind: 'latest' } | { kind: 'label'; label: string } | { kind: 'version'; version: number };

/** Earlier targets kept in a label record: enough to roll back many times. */
export const LABEL_HISTORY = 32;

const LABEL_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** A label starts with a letter (so it never reads as a version) and is not `latest`. */
export function checkLabelName(label: string): string {
  if (/^v\d+$/.test(label)) {
    throw fatal(ErrorCode.INVALID_INPUT, `"${label}" reads as a version, not a label`, { hint: `to use version ${label.slice(1)}, give the number alone: ${label.slice(1)}` });
  }
  if (!LABEL_NAME.test(label) || label === 'latest') {
    throw fatal(ErrorCode.INVALID_INPUT, `"${label}" is not a usable label name`, {
      hint: 'a label starts with a letter, has at most 64 letters, digits, ".", "_" or "-", and is not "latest" (e.g. stable, canary)',
    });
  }
  return label;
}

/** Reads `latest`, a version number or a label name, as `--follow` takes them. */
export function parseFollow(value: string | number): Follow {
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const version = Number(value);
    if (!Number.isSafeInteger(version) || version < 1) throw fatal(ErrorCode.INVALID_INPUT, `--follow ${value}: a version is a whole number from 1`, { hint: 'use --follow latest, a label such as stable, or a version such as 3' });
    return { kind: 'version', version };
  }
  if (value === 'latest') return { kind: 'latest' };
  return { kind: 'label', label: checkLabelName(value) };
}

export function describeFollow(follow: Follow): string {
  return follow.kind === 'latest' ? 'the newest version' : follow.kind === 'label' ? `label ${follow.label}` : `version ${follow.version}`;
}

export interface LabelMoveInput {
  model: string;
  label: string;
  version: number;
  action: 'label' | 'rollback';
  by: string;
  at: number;
  reason?: string | null;
}

/** The record that moves a label: the previous target goes to the front of its history. */
export function moveLabel(previous: ModelLabel | undefined, move: LabelMoveInput): ModelLabel {
  const history = previous ? [{ version: previous.version, action: previous.action, by: previous.by, at: previous.at }, ...previous.history].slice(0, LABEL_HISTORY) : [];
  return { model: move.model, label: checkLabelName(move.label), version: move.version, action: move.action, by: move.by, at: move.at, reason: move.reason ?? null, history };
}

/** Throws, naming the retained versions, unless `version` can still be loaded from the topic. */
export function requireRetained(model: string, version: number, retained: readonly number[]): void {
  if (retained.includes(version)) return;
  const list = retained.length > 0 ? retained.join(', ') : 'none';
  throw fatal(ErrorCode.MODEL_NOT_FOUND, `version ${version} of ${model} is not retained on the model topic (retained versions: ${list})`, {
    hint: retained.length > 0 ? `pick one of ${list}; the trainer option keepVersions sets how many versions stay loadable` : 'no version is published yet: run the train stage until it publishes',
  });
}

export interface RollbackInput {
  model: string;
  label: string;
  /** The label's current record, if it was ever set. */
  current: ModelLabel | undefined;
  /** Versions still loadable from the topic. */
  retained: readonly number[];
  /** An explicit target; default: the label's previous target older than its current one. */
  to?: number;
}

/**
 * The version a rollback moves the label to. Without `--to` it is the newest earlier
 * target of the label that is older than the current one, so repeated rollbacks walk
 * back (v5 → v3 → v1) instead of toggling between two versions.
 */
export function rollbackTarget(input: RollbackInput): number {
  const { model, label, current, retained } = input;
  if (!current) {
    throw fatal(ErrorCode.MODEL_NOT_FOUND, `label ${label} of ${model} was never set, so there is nothing to roll back`, {
      hint: `set it first: npx reviewflow models label --model ${model} --version V --label ${label}`,
    });
  }
  let target = input.to;
  if (target === undefined) {
    target = current.history.find((move) => move.version < current.version)?.version;
    if (target === undefined) {
      throw fatal(ErrorCode.MODEL_NOT_FOUND, `label ${label} of ${model} never pointed to a version older than ${current.version}`, {
        hint: `name the version: npx reviewflow models rollback --model ${model} --to V (retained: ${retained.join(', ') || 'none'})`,
      });
    }
  }
  if (target === current.version) {
    throw fatal(ErrorCode.INVALID_INPUT, `label ${label} of ${model} already points to version ${target}`, { hint: 'give --to another retained version' });
  }
  requireRetained(model, target, retained);
  return target;
}
