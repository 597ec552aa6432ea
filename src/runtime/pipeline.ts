import type { Logger } from 'pino';
import { RegistryClient } from '../confluent/index.js';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { KafkaPort } from '../kafka/index.js';
import { childLogger } from '../log.js';
import type { StageConfig, Topology } from '../topology/index.js';
import { fusedOrigin, planChains, unreadInputs } from './fusion.js';
import { builtinKinds, type KindRegistry } from './kinds.js';
import { StageRunner, type StageProgress } from './stage-runner.js';
import type { ModelEvents, Step, TrainingProgress } from './step.js';

/** A training stage's progress: its counters and what it trained and published. */
export type TrainerProgress = StageProgress & TrainingProgress;

export interface PipelineOptions {
  kafka: KafkaPort;
  topology: Topology;
  /** Stage ids to run; all when omitted. */
  stages?: string[];
  /** Suffix that makes instance names unique across processes. */
  instance?: string;
  instanceIndex?: number;
  /** Fuse consecutive stages (see fusion.ts); the topology's `fuse` when omitted. */
  fuse?: boolean;
  logger?: Logger;
  /** The kinds the topology's stages name; the built-in ones when omitted (see custom-kinds.ts). */
  kinds?: KindRegistry;
  onModelPublished?: ModelEvents['onModelPublished'];
  onCandidateRejected?: ModelEvents['onCandidateRejected'];
  onLabelRolledBack?: ModelEvents['onLabelRolledBack'];
}

export function selectStages(topology: Topology, ids: string[] | undefined): StageConfig[] {
  if (!ids || ids.length === 0) return [...topology.stages];
  return ids.map((id) => {
    const stage = topology.stages.find((s) => s.id === id);
    if (!stage) {
      throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `unknown stage "${id}" in --stages`, { retriable: false, hint: `the topology ${topology.file} has ${topology.stages.map((s) => s.id).join(', ')}` });
    }
    return stage;
  });
}

/**
 * Runs several stages of one topology in this process. Each stage (or each chain of fused
 * stages) is one runner and one consumer-group member, whatever its kind. Runners exist
 * once start() has planned them.
 */
export class Pipeline {
  readonly runners: StageRunner[] = [];
  private readonly log: Logger;
  private readonly selected: StageConfig[];
  private readonly kinds: KindRegistry;
  /** One client per process, so each writer schema is fetched once for every stage. */
  private readonly schemaRegistry: RegistryClient | undefined;
  private planned = false;

  constructor(private readonly o: PipelineOptions) {
    this.log = o.logger ?? childLogger({ component: 'pipeline' });
    this.selected = selectStages(o.topology, o.stages);
    this.kinds = o.kinds ?? builtinKinds;
    for (const stage of this.selected) this.kinds.of(stage); // an unknown kind fails here, not at start
    const registry = o.topology.schemaRegistry;
    this.schemaRegistry = registry ? new RegistryClient({ url: registry.url, requestTimeoutMs: registry.requestTimeoutMs }) : undefined;
  }

  private get instance(): string {
    return this.o.instance ?? `${process.pid}`;
  }

  /** The stages each stage runner runs, fused ones joined (known once start() planned them). */
  get chains(): string[][] {
    return this.runners.map((r) => r.stepProgress().map((p) => p.stage));
  }

  /**
   * Plans which stages fuse (that needs the broker: a stage whose group left records
   * unread on its topic must read them first), then makes one runner per chain.
   */
  private async planRunners(): Promise<void> {
    const fuse = this.o.fuse ?? this.o.topology.fuse;
    const fusable = (stage: StageConfig): boolean => this.kinds.of(stage).fusable;
    const downstream = fuse ? planChains(this.o.topology, this.selected, { fuse: true, fusable }).chains.flatMap((chain) => chain.slice(1)) : [];
    const plan = planChains(this.o.topology, this.selected, { fuse, fusable, held: await unreadInputs(this.o.kafka, downstream) });
    for (const { stage, reason } of plan.unfused) this.log.info({ stage, reason }, 'stage not fused with its upstream');
    for (const [head, ...fused] of plan.chains) {
      if (fused.length > 0) this.log.info({ stages: [head.id, ...fused.map((f) => f.id)] }, 'stages fused: one consumer, records passed in memory');
      const instance = `${head.id}-${this.instance}`;
      const env = { kafka: this.o.kafka, delivery: this.o.topology.delivery, instance, ...(this.schemaRegistry ? { schemaRegistry: this.schemaRegistry } : {}), logger: this.log.child({ stage: head.id, instance }), events: { ...(this.o.onModelPublished ? { onModelPublished: this.o.onModelPublished } : {}), ...(this.o.onCandidateRejected ? { onCandidateRejected: this.o.onCandidateRejected } : {}), ...(this.o.onLabelRolledBack ? { onLabelRolledBack: this.o.onLabelRolledBack } : {}) } };
      const origin = fusedOrigin(head.input);
      const steps: [Step, ...Step[]] = [this.kinds.of(head).createStep(head, env), ...fused.map((f) => this.kinds.of(f).createStep(f, { ...env, originOf: origin }))];
      this.runners.push(new StageRunner({ kafka: this.o.kafka, steps, delivery: this.o.topology.delivery, instance, instanceIndex: this.o.instanceIndex ?? 0, logger: this.log }));
    }
  }

  async start(): Promise<void> {
    if (!this.planned) {
      this.planned = true;
      await this.planRunners();
    }
    await Promise.all(this.runners.map((r) => r.start()));
  }

  /** Drains every runner: in-flight batches finish and commit before this resolves. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** Rejects when any runner's consumer stopped for good; resolves never. */
  failed(): Promise<never> {
    return Promise.race(this.runners.map((r) => r.failure.failed));
  }

  /** Every stage's progress; `trainers` repeats the training stages with what they trained. */
  progress(): { stages: StageProgress[]; trainers: TrainerProgress[] } {
    const all = this.runners.flatMap((r) => r.stepProgress());
    return { stages: all.filter((p) => !p.training), trainers: all.flatMap((p) => (p.training ? [{ ...p, ...p.training }] : [])) };
  }
}
