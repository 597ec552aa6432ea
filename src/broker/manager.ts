import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, ReviewflowError, isReviewflowError } from '../errors.js';
import { KafkaPort } from '../kafka/index.js';
import { renderLog4j, renderServerProperties, type NodePorts } from './config.js';
import { freePort, portIsFree } from './ports.js';
import { provisionKafka } from './provision.js';
import { addScramArguments, checkSecurity, ensureTlsMaterial, saslSslState, securityFits, type BrokerSecurityOptions, type SaslSslState, type ScramUser } from './security.js';

export type { SaslSslState };

export interface BrokerState {
  version: string;
  clusterId: string;
  bootstrap: string;
  nodes: Array<NodePorts & { pid: number; dataDir: string; logDir: string }>;
  startedAt: string;
  saslSsl?: SaslSslState;
}

export interface BrokerStatus {
  running: boolean;
  bootstrap: string | null;
  version: string | null;
  nodes: Array<{ nodeId: number; pid: number; alive: boolean; port: number }>;
  /** Where clients authenticate (SCRAM-SHA-512 over TLS) and the CA they trust; null without one. */
  saslSsl: { mechanism: 'scram-sha-512'; bootstrap: string; caPemPath: string; usernames: string[] } | null;
}

export interface BrokerStartOptions {
  brokers?: number;
  /** Omitted: a restart keeps whatever listener the stopped cluster had. */
  security?: BrokerSecurityOptions;
}

export interface BrokerManagerOptions {
  /** Holds state.json, configs, data and logs. Default: ./.reviewflow/broker */
  stateDir?: string;
  log?: (line: string) => void;
}

const READY_TIMEOUT_MS = 120_000;

function alive(pid: number): boolean {
  if (pid <= 0) return false; // a stopped node is recorded as -1; kill(-1, 0) would probe every process
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. Like Kafka's
 * own Uuid.randomUuid, skip ids that start with "-": the storage tool would read one as a flag.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Starts, stops and reports the embedded KRaft cluster; all of its files live under stateDir. */
export class BrokerManager {
  readonly stateDir: string;
  private readonly log: (line: string) => void;

  constructor(options: BrokerManagerOptions = {}) {
    this.stateDir = resolve(options.stateDir ?? join(process.cwd(), '.reviewflow', 'broker'));
    this.log = options.log ?? (() => {});
  }

  private get statePath(): string {
    return join(this.stateDir, 'state.json');
  }

  readState(): BrokerState | undefined {
    if (!existsSync(this.statePath)) return undefined;
    return JSON.parse(readFileSync(this.statePath, 'utf8')) as BrokerState;
  }

  status(): BrokerStatus {
    const state = this.readState();
    if (!state) return { running: false, bootstrap: null, version: null, nodes: [], saslSsl: null };
    const nodes = state.nodes.map((n) => ({ nodeId: n.nodeId, pid: n.pid, alive: alive(n.pid), port: n.brokerPort }));
    const running = nodes.length > 0 && nodes.every((n) => n.alive);
    const s = state.saslSsl;
    const saslSsl = s ? { mechanism: s.mechanism, bootstrap: s.bootstrap, caPemPath: s.caPemPath, usernames: [...s.usernames] } : null;
    return { running, bootstrap: state.bootstrap, version: state.version, nodes, saslSsl };
  }

  /**
   * Starts the cluster unless the same one already runs; returns its state. Idempotent.
   * When some nodes of the cluster died, only those start again, from their own storage,
   * while the others keep serving (`restartedNodes` lists them).
   */
  async start(options: BrokerStartOptions = {}): Promise<BrokerState & { alreadyRunning: boolean; restartedNodes?: number[] }> {
    const count = options.brokers ?? 1;
    const security = options.security?.saslSsl ? options.security : undefined;
    if (security) checkSecurity(security);
    const existing = this.readState();
    if (existing && this.status().running) {
      if (existing.nodes.length !== count || !securityFits(existing.saslSsl, security)) {
        const sizeDiffers = existing.nodes.length !== count;
        throw new ReviewflowError(ErrorCode.BROKER_START, `an embedded cluster ${sizeDiffers ? `of ${existing.nodes.length} broker(s)` : 'with other SASL_SSL users'} already runs at ${existing.bootstrap}`, {
          retriable: false,
          // a stopped cluster that does not fit is formatted afresh by the next start
          hint: 'stop it first with `npx reviewflow broker stop`, then start it as wanted (its topics are not kept)',
        });
      }
      await this.waitReady(existing);
      return { ...existing, alreadyRunning: true };
    }
    if (existing && existing.nodes.some((n) => alive(n.pid))) {
      if (existing.nodes.length === count && securityFits(existing.saslSsl, security)) return this.restartDeadNodes(existing);
      await this.stop(); // a partly running cluster of another shape: down cleanly first
    }

    const { libs, version } = await provisionKafka(this.log);
    // SCRAM users live in the formatted storage: other users mean a fresh cluster
    const reuse = existing && existing.nodes.length === count && existing.version === version && securityFits(existing.saslSsl, security) ? existing : undefined;
    const secure = security !== undefined || reuse?.saslSsl !== undefined;
    const nodes = reuse ? await this.reusePorts(reuse) : await this.allocatePorts(count, secure);
    const fresh = !reuse || nodes !== reuse.nodes;
    if (fresh && secure && !security) {
      throw new ReviewflowError(ErrorCode.BROKER_START, 'the stopped cluster had a SASL_SSL listener, but its ports are taken, so it must be formatted again', {
        retriable: false,
        hint: 'start it with --sasl-ssl --user name:password again, or `npx reviewflow broker stop --purge` to drop it',
      });
    }
    const clusterId = fresh ? newClusterId() : reuse.clusterId;
    if (fresh) rmSync(join(this.stateDir, 'nodes'), { recursive: true, force: true });
    const tls = secure ? ensureTlsMaterial(join(this.stateDir, 'tls')) : undefined;

    const started: BrokerState['nodes'] = [];
    for (const node of nodes) {
      const nodeDir = join(this.stateDir, 'nodes', String(node.nodeId));
      const dataDir = join(nodeDir, 'data');
      const logDir = join(nodeDir, 'logs');
      mkdirSync(dataDir, { recursive: true });
      mkdirSync(logDir, { recursive: true });
      const propsPath = join(nodeDir, 'server.properties');
      // it holds the keystore password
      writeFileSync(propsPath, renderServerProperties({ node, all: nodes, dataDir, ...(tls ? { tls } : {}), superUsers: security?.superUsers ?? reuse?.saslSsl?.superUsers ?? [] }), { mode: 0o600 });
      writeFileSync(join(nodeDir, 'log4j2.properties'), renderLog4j(logDir));
      if (!existsSync(join(dataDir, 'meta.properties'))) this.format({ libs, clusterId, propsPath, users: security?.users ?? [] });
      const pid = this.spawnNode({ libs, nodeDir, propsPath, logDir });
      started.push({ ...node, pid, dataDir, logDir });
    }
    const state: BrokerState = {
      version,
      clusterId,
      bootstrap: started.map((n) => `127.0.0.1:${n.brokerPort}`).join(','),
      nodes: started,
      startedAt: new Date().toISOString(),
      ...(tls ? { saslSsl: saslSslState({ nodes: started, tls, security, previous: reuse?.saslSsl }) } : {}),
    };
    mkdirSync(this.stateDir, { recursive: true });
    writeFileSync(this.statePath, JSON.stringify(state, null, 2));
    await this.waitReady(state);
    if (state.saslSsl && security) await this.waitSaslSslReady(state.saslSsl, security.users[0]!);
    return { ...state, alreadyRunning: false };
  }

  /** Starts the dead nodes of a partly running cluster with their own storage, ports and settings. */
  private async restartDeadNodes(state: BrokerState): Promise<BrokerState & { alreadyRunning: boolean; restartedNodes: number[] }> {
    const { libs, version } = await provisionKafka(this.log);
    if (version !== state.version) {
      throw new ReviewflowError(ErrorCode.BROKER_START, `the running nodes are Kafka ${state.version}, but kafka/pom.xml now pins ${version}`, {
        retriable: false,
        hint: 'stop the cluster with `npx reviewflow broker stop`, then start it again',
      });
    }
    const restartedNodes = state.nodes.filter((node) => !alive(node.pid)).map((node) => node.nodeId);
    const restarted = this.respawn(state, libs, restartedNodes);
    await this.waitReady(restarted);
    return { ...restarted, alreadyRunning: false, restartedNodes };
  }

  /**
   * Starts one stopped node of a cluster again from its own storage and settings, and
   * returns its pid without waiting for the cluster: with other nodes still down it may
   * not be whole (a fault test brings nodes back one at a time).
   */
  async startNode(nodeId: number): Promise<number> {
    const state = this.readState();
    const node = state?.nodes.find((n) => n.nodeId === nodeId);
    if (!state || !node) throw new ReviewflowError(ErrorCode.BROKER_START, `no node ${nodeId} in ${this.stateDir}`, { retriable: false });
    if (alive(node.pid)) return node.pid;
    const { libs } = await provisionKafka(this.log);
    return this.respawn(state, libs, [nodeId]).nodes.find((n) => n.nodeId === nodeId)!.pid;
  }

  private respawn(state: BrokerState, libs: string, nodeIds: readonly number[]): BrokerState {
    const nodes = state.nodes.map((node) => {
      if (!nodeIds.includes(node.nodeId)) return node;
      const nodeDir = join(this.stateDir, 'nodes', String(node.nodeId));
      this.log(`node ${node.nodeId} is not running: starting it again`);
      return { ...node, pid: this.spawnNode({ libs, nodeDir, propsPath: join(nodeDir, 'server.properties'), logDir: node.logDir }) };
    });
    const restarted: BrokerState = { ...state, nodes };
    writeFileSync(this.statePath, JSON.stringify(restarted, null, 2));
    return restarted;
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period). Data is kept unless purge. */
  async stop(options: { purge?: boolean } = {}): Promise<{ stopped: number }> {
    const state = this.readState();
    let stopped = 0;
    if (state) {
      for (const node of state.nodes) if (alive(node.pid)) process.kill(node.pid, 'SIGTERM');
      const deadline = Date.now() + 60_000;
      for (const node of state.nodes) {
        while (alive(node.pid) && Date.now() < deadline) await sleep(200);
        if (alive(node.pid)) process.kill(node.pid, 'SIGKILL');
        stopped++;
      }
      // keep ports and data for the next start; only the pids are gone
      writeFileSync(this.statePath, JSON.stringify({ ...state, nodes: state.nodes.map((n) => ({ ...n, pid: -1 })) }, null, 2));
    }
    if (options.purge) rmSync(this.stateDir, { recursive: true, force: true });
    return { stopped };
  }

  /** Kills one node the hard way (fault-injection tests). */
  killNode(nodeId: number, signal: NodeJS.Signals = 'SIGKILL'): void {
    const node = this.readState()?.nodes.find((n) => n.nodeId === nodeId);
    if (node && alive(node.pid)) process.kill(node.pid, signal);
  }

  private async allocatePorts(count: number, secure: boolean): Promise<NodePorts[]> {
    const nodes: NodePorts[] = [];
    const taken = new Set<number>();
    const next = async (): Promise<number> => {
      const port = await freePort(taken);
      taken.add(port);
      return port;
    };
    for (let i = 1; i <= count; i++) {
      const node: NodePorts = { nodeId: i, brokerPort: await next(), controllerPort: await next() };
      if (secure) node.saslSslPort = await next();
      nodes.push(node);
    }
    return nodes;
  }

  /** Same ports as last time when they are free, so clients' bootstrap address stays valid. */
  private async reusePorts(state: BrokerState): Promise<NodePorts[]> {
    for (const n of state.nodes) {
      const ports = [n.brokerPort, n.controllerPort, ...(n.saslSslPort !== undefined ? [n.saslSslPort] : [])];
      for (const p of ports) if (!(await portIsFree(p))) return this.allocatePorts(state.nodes.length, state.saslSsl !== undefined);
    }
    return state.nodes;
  }

  /** Formats a node's storage; SCRAM users go into the first metadata, before any start. */
  private format({ libs, clusterId, propsPath, users }: { libs: string; clusterId: string; propsPath: string; users: ScramUser[] }): void {
    const args = ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsPath, '--ignore-formatted', ...addScramArguments(users)];
    const result = spawnSync('java', args, { encoding: 'utf8' });
    if (result.status !== 0) {
      const output = users.reduce((text, u) => text.replaceAll(u.password, '[redacted]'), result.stderr || result.stdout || result.error?.message || '');
      throw new ReviewflowError(ErrorCode.BROKER_START, `formatting KRaft storage failed: ${output}`, {
        retriable: false,
        hint: 'Java 17 must be on PATH; `npx reviewflow broker stop --purge` clears a broken state folder',
      });
    }
  }

  private spawnNode({ libs, nodeDir, propsPath, logDir }: { libs: string; nodeDir: string; propsPath: string; logDir: string }): number {
    const out = openSync(join(logDir, 'stdout.log'), 'a');
    const child = spawn(
      'java',
      [
        '-Xms256m',
        '-Xmx1g',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(nodeDir, 'log4j2.properties')}`,
        `-Dkafka.logs.dir=${logDir}`,
        '-cp',
        `${libs}/*`,
        'kafka.Kafka',
        propsPath,
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    child.unref();
    if (child.pid === undefined) throw new ReviewflowError(ErrorCode.BROKER_START, 'could not start java', { retriable: false, hint: 'install Java 17' });
    return child.pid;
  }

  /** Proves the SASL_SSL listener end to end: TLS with our CA, then a SCRAM login. */
  private async waitSaslSslReady(saslSsl: SaslSslState, user: ScramUser): Promise<void> {
    const port = new KafkaPort({
      brokers: saslSsl.bootstrap.split(','),
      clientId: 'reviewflow-broker-check',
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 10_000,
      tls: { ca: readFileSync(saslSsl.caPemPath, 'utf8'), rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: user.username, password: user.password },
    });
    try {
      await port.withAdmin((admin) => admin.describeCluster());
    } catch (err) {
      throw new ReviewflowError(ErrorCode.BROKER_START, `the embedded broker started, but its SASL_SSL listener at ${saslSsl.bootstrap} refused a check`, {
        retriable: false,
        cause: err,
        hint: `see ${this.stateDir}/nodes/*/logs/server.log; \`npx reviewflow broker stop --purge\` starts over`,
      });
    }
  }

  /** Waits until every node is registered and a metadata request succeeds. */
  private async waitReady(state: BrokerState): Promise<void> {
    const port = new KafkaPort({ brokers: state.bootstrap.split(','), clientId: 'reviewflow-broker-check', connectionTimeoutMs: 1000, requestTimeoutMs: 5000 });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown;
    while (Date.now() < deadline) {
      for (const node of state.nodes) {
        if (!alive(node.pid)) {
          // the log's last lines go in the message: a test's temporary folder is gone when it is read
          const last = tail(join(node.logDir, 'stdout.log'));
          throw new ReviewflowError(ErrorCode.BROKER_START, `broker node ${node.nodeId} exited during start-up; see ${node.logDir}/server.log${last ? `; its output ended:\n${last}` : ''}`, {
            retriable: false,
          });
        }
      }
      try {
        const cluster = await port.withAdmin((admin) => admin.describeCluster());
        if (cluster.brokers.length === state.nodes.length) return;
      } catch (err) {
        if (!isReviewflowError(err)) throw err;
        lastError = err;
      }
      await sleep(500);
    }
    throw new ReviewflowError(ErrorCode.BROKER_START, `the embedded broker did not answer within ${READY_TIMEOUT_MS / 1000} s`, {
      retriable: true,
      cause: lastError,
      hint: `see the logs under ${this.stateDir}/nodes/*/logs`,
    });
  }
}

function tail(path: string): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
}
