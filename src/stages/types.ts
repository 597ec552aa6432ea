import type { z } from 'zod';
import type { Lineage, QualityMetrics, RawReview, Review } from '../records/types.js';

/**
 * What a stage's pure transform may emit for one input record. The runtime routes each
 * emission to a topic; a stage never touches Kafka.
 */
export type Emission =
  | { kind: 'out'; review: Review }
  | { kind: 'quarantine'; review: Review; reasons: string[] }
  | { kind: 'duplicate'; reason: string }
  | { kind: 'quality'; metrics: QualityMetrics };

/** Where the input record sits in Kafka; stages use it for lineage and replay-safe state. */
export interface InputPosition {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/**
 * A stage's state for one input partition. The runtime persists the changes to a
 * compacted changelog topic after every batch and replays them on start, so state
 * survives restarts; `apply` must accept what `drainChanges` produced, in order.
 */
export interface StageState {
  /** Changes since the last drain, oldest first; `null` value deletes the key. */
  drainChanges(): Array<[key: string, value: string | null]>;
  /** Replays one change from the changelog into a fresh state. */
  apply(key: string, value: string | null): void;
}

export type StageInput = RawReview | Review;

export interface StageDescriptor<Options, State extends StageState | undefined, In extends StageInput = StageInput> {
  /** Stable, hand-written id used in topologies, lineage and dead letters. */
  readonly id: string;
  readonly description: string;
  /** Which record schema the stage reads: raw reviews or processed reviews. */
  readonly input: 'raw' | 'review';
  /** Options as the topology gives them; defaults filled in by the schema. */
  readonly options: z.ZodType<Options, z.ZodTypeDef, unknown>;
  /** Topics the stage emits to besides its output; a topology must name them. */
  readonly sideOutputs?: ReadonlyArray<'quarantine' | 'quality'>;
  createState(options: Options): State;
  transform(record: In, context: TransformContext<Options, State>): Emission[];
  /** Called after every batch: lets windowed stages emit metrics on time, not only per record. */
  flush?(context: TransformContext<Options, State>, now: number): Emission[];
}

export interface TransformContext<Options, State> {
  readonly options: Options;
  readonly state: State;
  readonly position: InputPosition;
  readonly instance: string;
}

export function appendStage(lineage: Lineage, stage: string): Lineage {
  return { ...lineage, stages: [...lineage.stages, stage] };
}
