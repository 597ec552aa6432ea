import type { ModelVersion } from '../records/types.js';
import { FeatureBuffer, Featurizer, type HashingParams } from './features.js';
import type { LoadedModel, Prediction } from './loaded-model.js';
import { RowTable, type RowTableParts } from './row-table.js';
import { sigmoid } from './scoring.js';

/** What a predictor is made of, in a form one thread can hand to another (see `parts`). */
export interface PredictorParts {
  manifest: ModelVersion;
  hashing: HashingParams;
  bias: number;
  table: RowTableParts;
}

/**
 * Scores texts with one loaded model version. Inference is a sum of one weight per
 * distinct n-gram, so it is plain typed-array math: no tfjs, no backend. The weights are
 * looked up in a RowTable, not a dense array: a swap then costs serve's event loop a few
 * milliseconds, not a 2^22-float fill, and the scores stay bit-identical.
 */
export class Predictor {
  readonly manifest: ModelVersion;
  private readonly featurizer: Featurizer;
  private readonly hashing: HashingParams;
  private readonly bias: number;
  private readonly table: RowTable;
  private readonly buffer = new FeatureBuffer(1 << 12);

  private constructor(manifest: ModelVersion, hashing: HashingParams, bias: number, table: RowTable) {
    this.manifest = manifest;
    this.hashing = hashing;
    this.featurizer = new Featurizer(hashing);
    this.bias = bias;
    this.table = table;
  }

  static fromLoaded(loaded: LoadedModel): Predictor {
    const { weights } = loaded;
    return new Predictor(loaded.manifest, weights.hashing, weights.bias, new RowTable(weights));
  }

  /** A predictor over a row table built elsewhere (a worker thread: subscription/intake-worker.ts). */
  static fromParts(parts: PredictorParts): Predictor {
    return new Predictor(parts.manifest, parts.hashing, parts.bias, new RowTable(parts.table));
  }

  /** Its parts, for `fromParts` on another thread; transfer `table.keys` and `table.values` to move them without a copy. */
  parts(): PredictorParts {
    return { manifest: this.manifest, hashing: this.hashing, bias: this.bias, table: this.table.parts() };
  }

  get version(): number {
    return this.manifest.version;
  }

  predict(texts: readonly string[]): Prediction[] {
    return texts.map((text) => {
      const score = this.scoreText(text);
      return { label: score >= 0.5 ? 1 : 0, score };
    });
  }

  scoreText(text: string): number {
    this.buffer.clear();
    this.featurizer.featurizeDistinct(text, this.buffer);
    return sigmoid(this.table.logit(this.bias, this.buffer.data, 0, this.buffer.length));
  }
}
