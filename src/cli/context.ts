import { KafkaPort } from '../kafka/index.js';
import { loadTopology, type Topology } from '../topology/index.js';
import type { BackendPreference } from '../trainer/index.js';
import { placeholderValues, readEnvironment, resolveKafkaSettings, type CliEnvironment } from './env.js';

export const DEFAULT_TOPOLOGY = 'topologies/sentiment.yaml';

/** What every command shares: the topology (loaded once), the environment, the Kafka port. */
export class CliContext {
  private topologyCache: Topology | undefined;
  private kafkaCache: KafkaPort | undefined;
  readonly env: CliEnvironment;

  constructor(
    readonly topologyPath: string = DEFAULT_TOPOLOGY,
    private readonly overrides: { backend?: BackendPreference | undefined } = {},
  ) {
    this.env = readEnvironment();
  }

  get topology(): Topology {
    this.topologyCache ??= withBackend(loadTopology(this.topologyPath, { env: placeholderValues() }), this.overrides.backend);
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

  /** True when a broker address is known (environment, topology or a running embedded broker). */
  hasBroker(): boolean {
    return resolveKafkaSettings(this.topology, this.env, { required: false }) !== undefined;
  }
}

/** `--backend` forces every trainer of the topology onto one TensorFlow.js backend. */
function withBackend(topology: Topology, backend: BackendPreference | undefined): Topology {
  if (!backend) return topology;
  return { ...topology, stages: topology.stages.map((s) => (s.kind === 'train' ? { ...s, options: { ...s.options, backend } } : s)) };
}
