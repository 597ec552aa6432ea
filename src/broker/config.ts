/** Renders the server.properties of one node of the embedded KRaft cluster. */

export interface NodePorts {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
}

export interface NodeConfigOptions {
  node: NodePorts;
  all: NodePorts[];
  dataDir: string;
}

export function renderServerProperties({ node, all, dataDir }: NodeConfigOptions): string {
  const n = all.length;
  const voters = all.map((p) => `${p.nodeId}@127.0.0.1:${p.controllerPort}`).join(',');
  const lines: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    // topics are created by `reviewflow topics create` from the topology, never by accident
    'auto.create.topics.enable': false,
    'num.partitions': 1,
    'offsets.topic.replication.factor': Math.min(3, n),
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': Math.min(3, n),
    'transaction.state.log.min.isr': Math.min(2, n),
    'transaction.state.log.num.partitions': 10,
    'min.insync.replicas': 1,
    // a local broker serves one developer: no reason to wait for more members
    'group.initial.rebalance.delay.ms': 0,
    'log.retention.hours': 168,
    'log.cleaner.enable': true,
    'delete.topic.enable': true,
  };
  return Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

export function renderLog4j(logDir: string): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${logDir}/server.log`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = info',
    'rootLogger.appenderRef.file.ref = file',
    'logger.kafka.name = kafka',
    'logger.kafka.level = info',
    'logger.org.name = org.apache.kafka',
    'logger.org.level = info',
    '',
  ].join('\n');
}
