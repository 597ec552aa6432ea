import { z } from 'zod';
import type { Emission, StageDescriptor, StageInput, StageState, TransformContext } from './types.js';
import type { RawReview, Review } from '../records/types.js';

type InputOf<K extends 'raw' | 'review'> = K extends 'raw' ? RawReview : Review;

export interface StageDefinition<Options, State extends StageState | undefined, K extends 'raw' | 'review'> {
  /** Stable id: lineage, dead letters and logs name the stage by it. */
  kind: string;
  description?: string;
  /** Which records the stage reads; processed reviews unless it reads the ingest topic. Default 'review'. */
  input?: K;
  /** Its options as a zod schema with defaults; no options when omitted. */
  options?: z.ZodType<Options, z.ZodTypeDef, unknown>;
  /** Topics it emits to besides its output (the topology must name them). */
  sideOutputs?: ReadonlyArray<'quarantine' | 'quality'>;
  /** Pure: what to emit for one record. Throwing dead-letters the record with the message. */
  transform(record: InputOf<K>, context: TransformContext<Options, State>): Emission[];
  /** Per-partition state kept in a changelog topic (see StageState); stateless when omitted. */
  state?(options: Options): State;
  flush?(context: TransformContext<Options, State>, now: number): Emission[];
}

/**
 * Makes a stage from a user's module: export it and name the module and export in a
 * topology (`kind: ./my-stage.js#profanity`). The runtime moves its records, counts
 * every fate, dead-letters what throws and keeps its state, as for the built-in stages.
 */
export function defineStage<Options = Record<string, never>, State extends StageState | undefined = undefined, K extends 'raw' | 'review' = 'review'>(
  definition: StageDefinition<Options, State, K>,
): StageDescriptor<Options, State, InputOf<K>> {
  const options = definition.options ?? (z.object({}).strict() as unknown as z.ZodType<Options, z.ZodTypeDef, unknown>);
  const state = definition.state;
  return Object.freeze({
    id: definition.kind,
    description: definition.description ?? `custom stage ${definition.kind}`,
    input: definition.input ?? 'review',
    options,
    ...(definition.sideOutputs ? { sideOutputs: definition.sideOutputs } : {}),
    createState: (o: Options) => (state ? state(o) : undefined) as State,
    transform: definition.transform,
    ...(definition.flush ? { flush: definition.flush } : {}),
  });
}

/** True for what defineStage (or a built-in stage) returns: a duck-typed check for modules loaded at run time. */
export function isStageDescriptor(value: unknown): value is StageDescriptor<unknown, StageState | undefined, StageInput> {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.transform === 'function' && typeof v.createState === 'function' && (v.input === 'raw' || v.input === 'review') && typeof (v.options as { safeParse?: unknown } | undefined)?.safeParse === 'function';
}
