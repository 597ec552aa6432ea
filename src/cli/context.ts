import { KafkaPort } from '../kafka/index.js';
import { kindsForTopology } from '../runtime/custom-kinds.js';
import { builtinKinds, type KindRegistry } from '../runtime/kinds.js';
import { loadTopology, type Topology } from '../topology/index.js';
import type { BackendPreference } from '../trainer/index.js';
import { placeholderValues, readEnvironment, resolveKafkaSettings, type CliEnvironment } from './env.js';

export const DEFAULT_TOPOLOGY = 'topologies/sentiment.yaml';

/** What every command shares: the topology (loaded once), the environment, the Kafka port. */
export class CliContext {
  private topologyCache: Topology | undefined;
  private kafkaCache: KafkaPort | undefined;
  private kindsCache: KindRegistry = builtinKinds;
  private kindsError: unknown;
  readonly env: CliEnvironment;

  constructor(
    readonly topologyPath: string = DEFAULT_TOPOLOGY,
    private readonly overrides: { backend?: BackendPreference | undefined } = {},
  ) {
    this.env = readEnvironment();
  }

  /**
   * Imports the custom stage modules the topology names (`kind: ./my-stage.js#name`).
   * A failure surfaces when a command uses the topology, not in commands that do not.
   */
  async loadKinds(): Promise<void> {
    try {
      this.kindsCache = await kindsForTopology(this.topologyPath);
    } catch (err) {
      this.kindsError = err;
    }
  }

  /** Every stage kind the topology may name: the built-in ones and its custom modules. */
  get kinds(): KindRegistry {
    if (this.kindsError !== undefined) throw this.kindsError;
    return this.kindsCache;
  }

  get topology(): Topology {
    this.topologyCache ??= this.withBackend(loadTopology(this.topologyPath, { env: placeholderValues(), kinds: this.kinds.forValidation() }));
    return this.topologyCache;
  }

  get kafka(): KafkaPort {
    if (!this.kafkaCache) {
      const settings = resolveKafkaSettings(this.topology, this.env);
      if (!settings) throw new Error('unreachable: settings are required');
      this.kafkaCache = new KafkaPort(settings);
    }
    return this.kafkaCache;
  }

  /** `--backend` forces every training stage of the topology onto one TensorFlow.js backend. */
  private withBackend(topology: Topology): Topology {
    const { backend } = this.overrides;
    if (!backend) return topology;
    const training = new Set(this.kinds.trainingStages(topology.stages));
    return { ...topology, stages: topology.stages.map((s) => (training.has(s) ? { ...s, options: { ...s.options, backend } } : s)) };
  }

  /** True when a broker address is known (environment, topology or a running embedded broker). */
  hasBroker(): boolean {
    return resolveKafkaSettings(this.topology, this.env, { required: false }) !== undefined;
  }
}

