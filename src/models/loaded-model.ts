import { ErrorCode, fatal } from '../errors.js';
import type { ModelVersion } from '../records/types.js';
import { verifySha256 } from './chunks.js';
import { sameHashing } from './features.js';
import { deserializeWeights } from './weights-format.js';
import type { ModelWeights } from './weights-types.js';

/** A verified model version: its manifest and decoded weights. */
export interface LoadedModel {
  manifest: ModelVersion;
  weights: ModelWeights;
  /** The verified weight blob, as published: what `Trainer.restore` takes. */
  bytes: Uint8Array;
}

export interface Prediction {
  label: 0 | 1;
  /** Probability of the positive class. */
  score: number;
}

/**
 * Verifies assembled weight bytes against a manifest (size, SHA-256, hashing parameters,
 * encoding) and decodes them. Throws MODEL_CORRUPT when anything disagrees.
 */
export function loadModel(manifest: ModelVersion, bytes: Uint8Array): LoadedModel {
  const where = `${manifest.model} v${manifest.version}`;
  if (bytes.length !== manifest.weights.bytes) {
    throw fatal(ErrorCode.MODEL_CORRUPT, `${where}: ${bytes.length} weight bytes, manifest says ${manifest.weights.bytes}`);
  }
  if (!verifySha256(bytes, manifest.weights.sha256)) {
    throw fatal(ErrorCode.MODEL_CORRUPT, `${where}: weights do not match the manifest's SHA-256`);
  }
  const weights = deserializeWeights(bytes);
  if (!sameHashing(weights.hashing, manifest.hashing)) {
    throw fatal(ErrorCode.MODEL_CORRUPT, `${where}: weights' hashing parameters differ from the manifest's`);
  }
  if (weights.encoding !== manifest.weights.encoding) {
    throw fatal(ErrorCode.MODEL_CORRUPT, `${where}: weights are ${weights.encoding}, manifest says ${manifest.weights.encoding}`);
  }
  return { manifest, weights, bytes };
}
