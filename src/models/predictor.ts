import type { ModelVersion } from '../records/types.js';
import { FeatureBuffer, Featurizer } from './features.js';
import type { LoadedModel, Prediction } from './loaded-model.js';
import { RowTable } from './row-table.js';
import { sigmoid } from './scoring.js';

/**
 * Scores texts with one loaded model version. Inference is a sum of one weight per
 * distinct n-gram, so it is plain typed-array math: no tfjs, no backend. The weights are
 * looked up in a RowTable, not a dense array: a swap then costs serve's event loop a few
 * milliseconds, not a 2^22-float fill, and the scores stay bit-identical.
 */
export class Predictor {
  readonly manifest: ModelVersion;
  private readonly featurizer: Featurizer;
  private readonly bias: number;
  private readonly table: RowTable;
  private readonly buffer = new FeatureBuffer(1 << 12);

  private constructor(loaded: LoadedModel) {
    const { weights } = loaded;
    this.manifest = loaded.manifest;
    this.featurizer = new Featurizer(weights.hashing);
    this.bias = weights.bias;
    this.table = new RowTable(weights);
  }

  static fromLoaded(loaded: LoadedModel): Predictor {
    return new Predictor(loaded);
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
