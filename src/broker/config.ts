/** Renders the server.properties of one node of the embedded KRaft cluster. */
import { ErrorCode, fatal } from '../errors.js';
import type { TlsMaterial } from './security.js';

export interface NodePorts {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  /** The SASL_SSL listener, when the cluster has one. */
  saslSslPort?: number;
}

export interface NodeConfigOptions {
  node: NodePorts;
  all: NodePorts[];
  dataDir: string;
  /** Key material for the SASL_SSL listener; required when the node has a saslSslPort. */
  tls?: TlsMaterial;
  /** SCRAM users the authorizer lets do anything (with a SASL_SSL listener). */
  superUsers?: readonly string[];
}

type Properties = Record<string, string | number | boolean>;

/**
 * SCRAM-SHA-512 over TLS for clients only: brokers and the KRaft controllers keep talking
 * PLAINTEXT on loopback, so no inter-broker credentials are needed. KRaft's
 * StandardAuthorizer checks every SASL_SSL request against ACLs (`reviewflow acls apply`),
 * and a principal without one may do nothing. The loopback PLAINTEXT listener's principal,
 * ANONYMOUS, is a super user: the brokers and controllers speak on it, and so does an
 * operator on the machine itself; the super users named with `--super-user` may do
 * anything over SASL_SSL.
 */
function saslSslProperties(tls: TlsMaterial | undefined, superUsers: readonly string[]): Properties {
  if (!tls) throw fatal(ErrorCode.BROKER_START, 'a SASL_SSL listener needs TLS material (BrokerManager passes it; this is a bug)');
  return {
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.ssl.keystore.type': 'PKCS12',
    'listener.name.sasl_ssl.ssl.keystore.location': tls.keystorePath,
    'listener.name.sasl_ssl.ssl.keystore.password': tls.storePassword,
    'listener.name.sasl_ssl.ssl.key.password': tls.storePassword,
    'listener.name.sasl_ssl.ssl.client.auth': 'none',
    'listener.name.sasl_ssl.ssl.enabled.protocols': 'TLSv1.3,TLSv1.2',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': ['User:ANONYMOUS', ...superUsers.map((u) => `User:${u}`)].join(';'),
    'allow.everyone.if.no.acl.found': false,
  };
}

export function renderServerProperties({ node, all, dataDir, tls, superUsers = [] }: NodeConfigOptions): string {
  const n = all.length;
  const voters = all.map((p) => `${p.nodeId}@127.0.0.1:${p.controllerPort}`).join(',');
  const secure = node.saslSslPort !== undefined ? `,SASL_SSL://127.0.0.1:${node.saslSslPort}` : '';
  const lines: Properties = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}${secure}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.brokerPort}${secure}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}`,
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
    ...(node.saslSslPort !== undefined ? saslSslProperties(tls, superUsers) : {}),
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
