import type { BackendInfo } from './backend.js';
import type { ModelState, TouchedState } from './model-state.js';

/**
 * Examples [first, last) of a batch in flat arrays: example i has the distinct, sorted
 * bucket ids features[offsets[i]..offsets[i+1]), label labels[i] (0/1) and weight
 * weights[i] (augmented copies may count less than originals).
 */
export interface MiniBatch {
  features: Int32Array;
  offsets: Int32Array;
  labels: Float32Array;
  weights: Float32Array;
  first: number;
  last: number;
}

export interface StepOptions {
  learningRate: number;
  /** Optimizer steps on this mini-batch before its counts are added (1 = seen once). */
  epochs: number;
}

export type ExecutorKind = 'sparse' | 'tfjs';
export type ExecutorPreference = 'auto' | ExecutorKind;

/**
 * One model (trainer/model-state.ts), two ways to run its math. Both produce the same
 * probabilities and state to float32 rounding (tests/unit/trainer/executor-equivalence).
 */
export interface ModelExecutor {
  readonly kind: ExecutorKind;
  /**
   * Trains on one mini-batch: `epochs` optimizer steps, then the Naive Bayes counts.
   * Resolves to P(positive) per example from before the first step (prequential scores).
   * Asynchronous because a GPU backend reads results back asynchronously (WebGPU has no
   * synchronous readback in Node); the sparse executor resolves at once.
   */
  train(batch: MiniBatch, options: StepOptions): Promise<Float32Array>;
  /** The state as dense bucket-indexed arrays, a fresh copy: O(buckets). */
  state(): Promise<ModelState>;
  /**
   * The touched buckets (those with counts) in ascending order and their state, arrays
   * aligned with them: what a version stores. O(touched rows) on the sparse executor, which
   * tracks them as they are first counted; O(buckets) where the state lives elsewhere.
   */
  touchedState(): Promise<TouchedState>;
  /** The logit of one document (its distinct features) under the current state: O(features) on the sparse executor. */
  logit(features: Int32Array): Promise<number>;
  /** Replaces the whole state (restore). */
  load(state: ModelState): void;
  dispose(): void;
}

export interface ExecutorChoice {
  kind: ExecutorKind;
  reason: string;
}

const GPU_BACKENDS = new Set(['tensorflow-gpu', 'webgpu']);

/**
 * `auto`: tfjs on a GPU backend, where a step over every bucket is cheap and parallel;
 * the sparse executor on a CPU backend, where a step touches only the batch's buckets
 * (the tfjs executor rewrites all 2^22 of them: ~100× more memory traffic per step).
 */
export function chooseExecutor(preference: ExecutorPreference, backend: BackendInfo): ExecutorChoice {
  if (preference !== 'auto') return { kind: preference, reason: `forced (executor: ${preference})` };
  if (GPU_BACKENDS.has(backend.backend)) return { kind: 'tfjs', reason: `${backend.backend} is a GPU backend: the whole mini-batch math runs there` };
  return { kind: 'sparse', reason: `${backend.backend} runs on the CPU: the sparse executor updates only the buckets a batch touches` };
}
