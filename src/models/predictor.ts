import type { ModelVersion } from '../records/types.js';
import { FeatureBuffer, Featurizer } from './features.js';
import type { LoadedModel, Prediction } from './loaded-model.js';
import { buildRowLookup, Scorer } from './scoring.js';

/**
 * Scores texts with one loaded model version. Inference is tiny (a few hundred
 * multiply-adds per token), so it is plain typed-array math: no tfjs, no backend.
 */
export class Predictor {
  readonly manifest: ModelVersion;
  private readonly featurizer: Featurizer;
  private readonly scorer: Scorer;
  private readonly buffer = new FeatureBuffer(1 << 12);

  private constructor(loaded: LoadedModel) {
    const { weights } = loaded;
    this.manifest = loaded.manifest;
    this.featurizer = new Featurizer(weights.hashing);
    this.scorer = new Scorer({
      dim: weights.dim,
      rows: weights.rows,
      lookup: buildRowLookup(weights.rowIds, weights.hashing.buckets),
      layers: weights.layers,
    });
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
    this.featurizer.featurize(text, this.buffer);
    return this.scorer.score(this.buffer.data, 0, this.buffer.length);
  }

  /** Scores already hashed features (the trainer's holdout). */
  scoreFeatures(features: Int32Array): number {
    return this.scorer.score(features, 0, features.length);
  }
}
