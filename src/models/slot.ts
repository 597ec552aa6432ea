import { ErrorCode, fatal } from '../errors.js';
import type { Prediction } from './loaded-model.js';
import type { Predictor } from './predictor.js';

export interface SlotPredictions {
  model: string;
  version: number;
  predictions: Prediction[];
}

/**
 * Holds the predictor in use and swaps in newer versions (or, for a label, the labelled
 * one) atomically. Every predict call
 * reads the slot once, so one call is always served by exactly one version.
 */
export class ModelSlot {
  private predictor: Predictor | undefined;

  current(): Predictor | undefined {
    return this.predictor;
  }

  /** Installs `next` only if it is newer than the current version of the same model. */
  offer(next: Predictor): boolean {
    const current = this.predictor;
    if (current && current.manifest.model === next.manifest.model && current.version >= next.version) return false;
    this.predictor = next;
    return true;
  }

  /**
   * Installs `next` whatever its version: a label moved to it. Following a label is the
   * one case where going back to an older version is right (a rollback).
   */
  moveTo(next: Predictor): void {
    this.predictor = next;
  }

  predict(texts: readonly string[]): SlotPredictions {
    const predictor = this.require();
    return { model: predictor.manifest.model, version: predictor.version, predictions: predictor.predict(texts) };
  }

  private require(): Predictor {
    const predictor = this.predictor;
    if (!predictor) {
      throw fatal(ErrorCode.MODEL_NOT_FOUND, 'no model version loaded yet', {
        hint: 'wait until the trainer publishes a version to models.updates',
      });
    }
    return predictor;
  }
}
