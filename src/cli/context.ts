import { KafkaPort } from '../kafka/index.js';
import { loadTopology, type Topology } from '../topology/index.js';
import { placeholderValues, readEnvironment, resolveKafkaSettings, type CliEnvironment } from './env.js';

export const DEFAULT_TOPOLOGY = 'topologies/sentiment.yaml';

/** What every command shares: the topology (loaded once), the environment, the Kafka port. */
export class CliContext {
  private topologyCache: Topology | undefined;
  private kafkaCache: KafkaPort | undefined;
  readonly env: CliEnvironment;

  constructor(readonly topologyPath: string = DEFAULT_TOPOLOGY) {
    this.env = readEnvironment();
  }

  get topology(): Topology {
    this.topologyCache ??= loadTopology(this.topologyPath, { env: placeholderValues() });
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
