/**
 * The forward pass of the model, in plain typed-array math: subscribers and the trainer's
 * holdout both score through it, so a published version predicts exactly what the
 * trainer measured. A document is the set of its distinct hashed n-grams F;
 *
 *   P(positive) = sigmoid(bias + scale(|F|) · Σ_{f ∈ F} weights[f])
 *
 * where `weights[f]` is the effective weight of bucket f (the logistic weight plus the
 * Naive Bayes log-count ratio times its learned coefficient, see trainer/model-math.ts).
 */
export interface ScoringWeights {
  bias: number;
  /** One effective weight per hash bucket (dense: a lookup costs one load). */
  weights: Float32Array;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * 1/√|F|: long documents do not get proportionally more confident, and one learning rate
 * suits tweets and essays alike (mean pooling or no scaling measured far worse: docs/MODEL.md).
 */
export function documentScale(featureCount: number): number {
  return 1 / Math.sqrt(Math.max(1, featureCount));
}

/** The logit of the document whose distinct features are `features[from..to)`. */
export function scoreLogit(model: ScoringWeights, features: Int32Array, from: number, to: number): number {
  const { weights } = model;
  let sum = 0;
  for (let f = from; f < to; f++) sum += weights[features[f]!]!;
  return model.bias + sum * documentScale(to - from);
}

/** P(positive) of the document whose distinct features are `features[from..to)`. */
export function scoreDocument(model: ScoringWeights, features: Int32Array, from: number, to: number): number {
  return sigmoid(scoreLogit(model, features, from, to));
}
