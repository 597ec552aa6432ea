/** reviewflow as a library: the Kafka port, ingest, model subscription, topologies and the stage runtime. */
export { KafkaPort, type KafkaSettings } from './kafka/index.js';
export { IngestProducer, readRecords, validateReview, type IngestProducerOptions } from './ingest/index.js';
export { subscribeModels, type ModelSubscription, type SubscribeOptions } from './subscription/subscribe.js';
export { Predictor, ModelSlot, type Follow } from './models/index.js';
export { createServer, type PredictionService, type PredictionServiceOptions } from './serve/prediction-server.js';
export { loadTopology, parseTopology, namespaced, topicSpecs, toMermaid, type Topology } from './topology/index.js';
export { StageRunner } from './runtime/stage-runner.js';
export { Pipeline, type TrainerProgress } from './runtime/pipeline.js';
export { builtinKinds, KindRegistry, transformKind, type StageKindDefinition } from './runtime/kinds.js';
export { kindsForTopology, openTopology } from './runtime/custom-kinds.js';
export { TransformStep } from './runtime/transform-step.js';
export { stageRegistry, getStage } from './stages/registry.js';
export { defineStage, type StageDefinition } from './stages/define-stage.js';
/** The zod the package validates with, for custom stages' option schemas. */
export { z } from 'zod';
export { appendStage, type StageDescriptor, type Emission, type StageState, type TransformContext, type InputPosition } from './stages/types.js';
export { encode, decode, decodeAny } from './records/index.js';
export type * from './records/types.js';
export { ReviewflowError, ErrorCode, isReviewflowError } from './errors.js';
export { BrokerManager } from './broker/manager.js';
