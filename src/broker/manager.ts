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

export interface BrokerState {
  version: string;
  clusterId: string;
  bootstrap: string;
  nodes: Array<NodePorts & { pid: number; dataDir: string; logDir: string }>;
  startedAt: string;
}

export interface BrokerStatus {
  running: boolean;
  bootstrap: string | null;
  version: string | null;
  nodes: Array<{ nodeId: number; pid: number; alive: boolean; port: number }>;
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

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
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
    if (!state) return { running: false, bootstrap: null, version: null, nodes: [] };
    const nodes = state.nodes.map((n) => ({ nodeId: n.nodeId, pid: n.pid, alive: alive(n.pid), port: n.brokerPort }));
    const running = nodes.length > 0 && nodes.every((n) => n.alive);
    return { running, bootstrap: state.bootstrap, version: state.version, nodes };
  }

  /** Starts the cluster unless the same one already runs; returns its state. Idempotent. */
  async start(options: { brokers?: number } = {}): Promise<BrokerState & { alreadyRunning: boolean }> {
    const count = options.brokers ?? 1;
    const existing = this.readState();
    if (existing && this.status().running) {
      if (existing.nodes.length !== count) {
        throw new ReviewflowError(ErrorCode.BROKER_START, `an embedded cluster of ${existing.nodes.length} broker(s) already runs at ${existing.bootstrap}`, {
          retriable: false,
          hint: `stop it first with \`npx reviewflow broker stop\`, then start with --brokers ${count}`,
        });
      }
      await this.waitReady(existing);
      return { ...existing, alreadyRunning: true };
    }
    if (existing) await this.stop(); // some nodes died: bring the whole cluster down cleanly first

    const { libs, version } = await provisionKafka(this.log);
    const reuse = existing && existing.nodes.length === count && existing.version === version ? existing : undefined;
    const nodes = reuse ? await this.reusePorts(reuse) : await this.allocatePorts(count);
    const clusterId = reuse && nodes === reuse.nodes ? reuse.clusterId : newClusterId();
    if (!reuse || nodes !== reuse.nodes) rmSync(join(this.stateDir, 'nodes'), { recursive: true, force: true });

    const started: BrokerState['nodes'] = [];
    for (const node of nodes) {
      const nodeDir = join(this.stateDir, 'nodes', String(node.nodeId));
      const dataDir = join(nodeDir, 'data');
      const logDir = join(nodeDir, 'logs');
      mkdirSync(dataDir, { recursive: true });
      mkdirSync(logDir, { recursive: true });
      const propsPath = join(nodeDir, 'server.properties');
      writeFileSync(propsPath, renderServerProperties({ node, all: nodes, dataDir }));
      writeFileSync(join(nodeDir, 'log4j2.properties'), renderLog4j(logDir));
      if (!existsSync(join(dataDir, 'meta.properties'))) this.format({ libs, clusterId, propsPath });
      const pid = this.spawnNode({ libs, nodeDir, propsPath, logDir });
      started.push({ ...node, pid, dataDir, logDir });
    }
    const state: BrokerState = {
      version,
      clusterId,
      bootstrap: started.map((n) => `127.0.0.1:${n.brokerPort}`).join(','),
      nodes: started,
      startedAt: new Date().toISOString(),
    };
    mkdirSync(this.stateDir, { recursive: true });
    writeFileSync(this.statePath, JSON.stringify(state, null, 2));
    await this.waitReady(state);
    return { ...state, alreadyRunning: false };
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

  private async allocatePorts(count: number): Promise<NodePorts[]> {
    const nodes: NodePorts[] = [];
    for (let i = 1; i <= count; i++) nodes.push({ nodeId: i, brokerPort: await freePort(), controllerPort: await freePort() });
    return nodes;
  }

  /** Same ports as last time when they are free, so clients' bootstrap address stays valid. */
  private async reusePorts(state: BrokerState): Promise<NodePorts[]> {
    for (const n of state.nodes) {
      if (!(await portIsFree(n.brokerPort)) || !(await portIsFree(n.controllerPort))) return this.allocatePorts(state.nodes.length);
    }
    return state.nodes;
  }

  private format({ libs, clusterId, propsPath }: { libs: string; clusterId: string; propsPath: string }): void {
    const result = spawnSync('java', ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsPath, '--ignore-formatted'], {
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new ReviewflowError(ErrorCode.BROKER_START, `formatting KRaft storage failed: ${result.stderr || result.stdout || result.error?.message}`, {
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

  /** Waits until every node is registered and a metadata request succeeds. */
  private async waitReady(state: BrokerState): Promise<void> {
    const port = new KafkaPort({ brokers: state.bootstrap.split(','), clientId: 'reviewflow-broker-check', connectionTimeoutMs: 1000, requestTimeoutMs: 5000 });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown;
    while (Date.now() < deadline) {
      for (const node of state.nodes) {
        if (!alive(node.pid)) {
          throw new ReviewflowError(ErrorCode.BROKER_START, `broker node ${node.nodeId} exited during start-up; see ${node.logDir}/server.log`, {
            retriable: false,
            hint: tail(join(node.logDir, 'stdout.log')),
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
