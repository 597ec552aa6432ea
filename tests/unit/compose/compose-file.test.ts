import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { builtinKinds } from '../../../src/runtime/kinds.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { kafkaVersion } from '../../../src/broker/provision.js';
import { loadTopology } from '../../../src/topology/index.js';

/**
 * docker-compose.yml and the Dockerfile, held to the topology and to each other without
 * a Docker engine (tests/compose runs the stack for real: npm run test:compose). Every
 * expectation is derived from the topology and the broker services, never a list of
 * ids written here: renaming, adding or removing a stage without updating compose fails.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const serviceSchema = z
  .object({
    image: z.string().optional(),
    build: z.union([z.string(), z.object({ context: z.string().default('.'), dockerfile: z.string().default('Dockerfile') }).passthrough()]).optional(),
    // exec form only: arguments with spaces stay intact and no shell sits between SIGTERM and node
    command: z.array(z.string()).optional(),
    environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
    depends_on: z.union([z.array(z.string()), z.record(z.string(), z.object({ condition: z.string().optional() }).passthrough())]).optional(),
    hostname: z.string().optional(),
    container_name: z.string().optional(),
    ports: z.array(z.union([z.string(), z.number(), z.object({ target: z.number(), published: z.union([z.string(), z.number()]).optional() }).passthrough()])).optional(),
    healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]) }).passthrough().optional(),
    restart: z.string().optional(),
    stop_signal: z.string().optional(),
    stop_grace_period: z.string().optional(),
    deploy: z.object({ replicas: z.number().optional() }).passthrough().optional(),
    profiles: z.array(z.string()).optional(),
  })
  .passthrough();
type Service = z.infer<typeof serviceSchema>;

const compose = z.object({ services: z.record(z.string(), serviceSchema) }).passthrough().parse(parse(read('docker-compose.yml'), { merge: true }));
const services = Object.entries(compose.services);

function env(service: Service): Map<string, string> {
  const e = service.environment ?? {};
  if (Array.isArray(e)) return new Map(e.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)]));
  return new Map(Object.entries(e).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** The CLI arguments of a service with `--topology FILE` taken out. */
function cliArgs(service: Service): { topology: string | undefined; args: string[] } {
  const command = service.command ?? [];
  const args: string[] = [];
  let topology: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const arg = command[i] ?? '';
    if (arg === '--topology') topology = command[++i];
    else if (arg.startsWith('--topology=')) topology = arg.slice('--topology='.length);
    else args.push(arg);
  }
  return { topology, args };
}

/** `NAME://host:port,...` → name → { host, port }. */
function listeners(value: string | undefined): Map<string, { host: string; port: number }> {
  const out = new Map<string, { host: string; port: number }>();
  for (const entry of (value ?? '').split(',').filter(Boolean)) {
    const match = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
    if (!match) throw new Error(`listener "${entry}" is not NAME://host:port`);
    out.set(match[1] ?? '', { host: match[2] ?? '', port: Number(match[3]) });
  }
  return out;
}

/** Host port → container port of `ports:` entries. */
function publishedPorts(service: Service): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of service.ports ?? []) {
    if (typeof p === 'object') out.set(Number(p.published ?? p.target), p.target);
    else {
      const parts = String(p).split(':');
      out.set(Number(parts.at(-2) ?? parts.at(-1)), Number(parts.at(-1)));
    }
  }
  return out;
}

/** An image name as compose resolves it with none of its variables set: `${VAR:-default}` → default. */
const defaultImage = (service: Service): string | undefined => service.image?.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const brokers = services.filter(([, s]) => defaultImage(s)?.startsWith('apache/kafka:'));
// the optional monitoring profile (Prometheus, Grafana) runs other images
const monitoring = services.filter(([, s]) => s.profiles?.includes('monitoring'));
const reviewflowServices = services.filter(([, s]) => !defaultImage(s)?.startsWith('apache/kafka:') && !s.profiles?.includes('monitoring'));
const brokerEnv = new Map(brokers.map(([name, s]) => [name, env(s)]));
const brokerEnvOf = (name: string): Map<string, string> => brokerEnv.get(name) ?? new Map<string, string>();
const topologyFiles = new Set(reviewflowServices.map(([, s]) => cliArgs(s).topology));
const topologyFile = [...topologyFiles].find((f) => f !== undefined) ?? 'no --topology given';
const topology = loadTopology(resolve(root, topologyFile), { kinds: builtinKinds.forValidation() });
const stageServices = reviewflowServices.filter(([, s]) => cliArgs(s).args[0] === 'run');

describe('docker-compose.yml', () => {
  it('docker-compose.yml passes one --topology file, under topologies/, to every reviewflow service', () => {
    expect(reviewflowServices.length).toBeGreaterThan(0);
    expect([...topologyFiles]).toEqual([topologyFile]);
    expect(topologyFile).toMatch(/^topologies\/[^/]+\.ya?ml$/); // the folder the Dockerfile copies
    expect(existsSync(join(root, topologyFile))).toBe(true);
  });

  it('docker-compose.yml runs every topology stage in a service named by its id, running exactly that stage', () => {
    for (const stage of topology.stages) {
      const service = compose.services[stage.id];
      expect(service, `no service "${stage.id}" for stage ${stage.id} of ${topologyFile}`).toBeDefined();
      if (service) expect(cliArgs(service).args).toEqual(['run', '--stages', stage.id]);
    }
  });

  it('docker-compose.yml runs no stage the topology lacks, and each stage in one service only', () => {
    const ids = new Set(topology.stages.map((s) => s.id));
    const run = stageServices.flatMap(([, s]) => {
      const { args } = cliArgs(s);
      const at = args.indexOf('--stages');
      expect(at, 'a `run` without --stages would start every stage a second time').toBeGreaterThan(0);
      return (args[at + 1] ?? '').split(',');
    });
    for (const id of run) expect(ids.has(id), `stage "${id}" is not in ${topologyFile}`).toBe(true);
    expect(run.slice().sort()).toEqual([...ids].sort());
  });

  it('docker-compose.yml stage services wait for the topics, restart, and drain on SIGTERM', () => {
    expect(stageServices.length).toBe(topology.stages.length);
    for (const [name, s] of stageServices) {
      const dependsOn = s.depends_on && !Array.isArray(s.depends_on) ? s.depends_on : {};
      expect(dependsOn.topics?.condition, name).toBe('service_completed_successfully');
      expect(s.stop_signal, name).toBe('SIGTERM');
      expect(s.stop_grace_period, name).toBe('30s');
      expect(s.restart, name).toBe('unless-stopped');
      expect(s.container_name, `${name} needs no container_name so --scale works`).toBeUndefined();
    }
  });

  it('docker-compose.yml runs one replica of each train stage and leaves the others scalable', () => {
    for (const stage of topology.stages) {
      const replicas = compose.services[stage.id]?.deploy?.replicas;
      if (stage.kind === 'train') expect(replicas, `${stage.id}: one trainer per model`).toBe(1);
      else expect(replicas ?? 1, stage.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('docker-compose.yml topics service runs `topics create` once every broker is healthy, never restarting', () => {
    const topics = compose.services.topics;
    expect(topics).toBeDefined();
    if (!topics) return;
    expect(cliArgs(topics).args).toEqual(['topics', 'create']);
    const dependsOn = topics.depends_on && !Array.isArray(topics.depends_on) ? topics.depends_on : {};
    expect(Object.keys(dependsOn).sort()).toEqual(brokers.map(([name]) => name).sort());
    for (const [name] of brokers) expect(dependsOn[name]?.condition).toBe('service_healthy');
    expect(topics.restart ?? 'no').toBe('no');
  });

  it('docker-compose.yml builds every reviewflow service from the repository Dockerfile as one image', () => {
    const first = reviewflowServices[0]?.[1];
    for (const [name, s] of reviewflowServices) {
      expect(s.image, name).toBe(first?.image);
      expect(s.build, name).toEqual(first?.build);
      const build = typeof s.build === 'string' ? { context: s.build, dockerfile: 'Dockerfile' } : s.build;
      expect(build && resolve(root, build.context), name).toBe(root);
      expect(build?.dockerfile, name).toBe('Dockerfile');
    }
  });

  it('docker-compose.yml gives every reviewflow service KAFKA_BROKERS = exactly the brokers\' internal listeners', () => {
    const internal = brokers.map(([name]) => {
      const e = brokerEnvOf(name);
      const advertised = listeners(e.get('KAFKA_ADVERTISED_LISTENERS')).get(e.get('KAFKA_INTER_BROKER_LISTENER_NAME') ?? '');
      return `${advertised?.host}:${advertised?.port}`;
    });
    for (const [name, s] of reviewflowServices) {
      const listed = (env(s).get('KAFKA_BROKERS') ?? '').split(',');
      expect(new Set(listed).size, `${name} lists a broker twice`).toBe(listed.length);
      expect(listed.slice().sort(), name).toEqual(internal.slice().sort());
    }
  });
});

describe('docker-compose.yml Kafka cluster', () => {
  it('docker-compose.yml brokers run the Kafka version kafka/pom.xml pins, three of them', () => {
    expect(brokers.length).toBe(3);
    for (const [, s] of brokers) expect(s.image).toBe(`\${REVIEWFLOW_KAFKA_IMAGE:-apache/kafka:${kafkaVersion()}}`);
  });

  it('docker-compose.yml brokers have unique node ids and one CLUSTER_ID', () => {
    const ids = brokers.map(([name]) => Number(brokerEnvOf(name).get('KAFKA_NODE_ID')));
    for (const id of ids) expect(Number.isInteger(id) && id >= 0).toBe(true);
    expect(new Set(ids).size).toBe(brokers.length);
    const clusterIds = new Set(brokers.map(([name]) => brokerEnvOf(name).get('CLUSTER_ID')));
    expect(clusterIds.size).toBe(1);
    expect([...clusterIds][0]).toMatch(/^[A-Za-z0-9_-]{22}$/); // a base64url UUID, as kafka-storage makes
  });

  it('docker-compose.yml brokers advertise listeners that match their service name and declared ports', () => {
    const hostPorts: number[] = [];
    for (const [name, s] of brokers) {
      const e = brokerEnvOf(name);
      expect(e.get('KAFKA_PROCESS_ROLES')?.split(',').sort()).toEqual(['broker', 'controller']);
      const declared = listeners(e.get('KAFKA_LISTENERS'));
      const advertised = listeners(e.get('KAFKA_ADVERTISED_LISTENERS'));
      const protocols = new Map((e.get('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP') ?? '').split(',').map((p) => p.split(':') as [string, string]));
      for (const listener of declared.keys()) expect(protocols.has(listener), `${name}: ${listener} has no protocol`).toBe(true);
      for (const controller of (e.get('KAFKA_CONTROLLER_LISTENER_NAMES') ?? '').split(',')) expect(declared.has(controller), `${name}: ${controller}`).toBe(true);

      const interBroker = e.get('KAFKA_INTER_BROKER_LISTENER_NAME') ?? '';
      expect(advertised.get(interBroker), `${name} advertises its ${interBroker} listener`).toEqual({ host: name, port: declared.get(interBroker)?.port });
      if (s.hostname !== undefined) expect(s.hostname).toBe(name);

      const published = publishedPorts(s);
      for (const [listener, at] of advertised) {
        expect(at.port, `${name}: ${listener} is advertised on a port it does not listen on`).toBe(declared.get(listener)?.port);
        if (listener === interBroker) continue;
        // a host-facing listener: reachable at the advertised port on the host
        expect(at.host, `${name}: ${listener}`).toBe('localhost');
        expect(published.get(at.port), `${name}: host port ${at.port} is not published to ${listener}`).toBe(at.port);
        hostPorts.push(at.port);
      }
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('docker-compose.yml controller quorum lists every broker node id at its controller port', () => {
    const voterStrings = new Set(brokers.map(([name]) => brokerEnvOf(name).get('KAFKA_CONTROLLER_QUORUM_VOTERS')));
    expect(voterStrings.size).toBe(1);
    const voters = ([...voterStrings][0] ?? '').split(',').map((v) => {
      const match = /^(\d+)@([^:]+):(\d+)$/.exec(v);
      return { id: Number(match?.[1]), host: match?.[2], port: Number(match?.[3]) };
    });
    const expected = brokers.map(([name]) => {
      const e = brokerEnvOf(name);
      const controller = (e.get('KAFKA_CONTROLLER_LISTENER_NAMES') ?? '').split(',')[0] ?? '';
      return { id: Number(e.get('KAFKA_NODE_ID')), host: name, port: listeners(e.get('KAFKA_LISTENERS')).get(controller)?.port };
    });
    const byId = (a: { id: number }, b: { id: number }): number => a.id - b.id;
    expect(voters.sort(byId)).toEqual(expected.sort(byId));
  });

  it('docker-compose.yml broker healthchecks probe a port the broker listens on', () => {
    for (const [name, s] of brokers) {
      const test = [s.healthcheck?.test ?? ''].flat().join(' ');
      expect(test, name).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
      const port = Number(/--bootstrap-server\s+\S+:(\d+)/.exec(test)?.[1]);
      expect([...listeners(brokerEnvOf(name).get('KAFKA_LISTENERS')).values()].map((l) => l.port), name).toContain(port);
    }
  });

  it('docker-compose.yml cluster can hold the topology\'s topics and accept acks=all writes to them', () => {
    const minIsr = new Set(brokers.map(([name]) => Number(brokerEnvOf(name).get('KAFKA_MIN_INSYNC_REPLICAS') ?? '1')));
    expect(minIsr.size).toBe(1);
    for (const [topic, t] of Object.entries(topology.topics)) {
      expect(t.replication, `${topic} has more replicas than brokers`).toBeLessThanOrEqual(brokers.length);
      const effective = Number(t.config['min.insync.replicas'] ?? [...minIsr][0]);
      expect(effective, `${topic}: min.insync.replicas above its replication rejects every acks=all write`).toBeLessThanOrEqual(t.replication);
    }
    for (const [name] of brokers) {
      const e = brokerEnvOf(name);
      expect(Number(e.get('KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR')), name).toBe(brokers.length);
      expect(Number(e.get('KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR')), name).toBe(brokers.length);
      expect(Number(e.get('KAFKA_TRANSACTION_STATE_LOG_MIN_ISR')), name).toBe(brokers.length - 1);
    }
  });
});

/** Instructions of a Dockerfile with continuations joined, grouped by build stage. */
function dockerfileStages(text: string): Array<Array<{ op: string; args: string }>> {
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Array<Array<{ op: string; args: string }>> = [];
  for (const line of logical) {
    const op = (line.split(/\s+/)[0] ?? '').toUpperCase();
    let rest = line.slice(op.length).trim();
    if (op === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=');
      if (name && value !== undefined) args.set(name, value);
    }
    if (op === 'FROM') {
      rest = rest.replace(/\$\{?(\w+)\}?/g, (_, name: string) => args.get(name) ?? '');
      stages.push([]);
    }
    stages.at(-1)?.push({ op, args: rest });
  }
  return stages;
}

describe('docker-compose.yml monitoring profile', () => {
  const metricsPort = (service: Service): number | undefined => {
    const match = /^prometheus:(\d+)$/.exec(env(service).get('REVIEWFLOW_METRICS') ?? '');
    return match ? Number(match[1]) : undefined;
  };

  it('docker-compose.yml starts Prometheus and Grafana only under the monitoring profile, and no stage waits for them', () => {
    expect(monitoring.map(([name]) => name).sort()).toEqual(['grafana', 'prometheus']);
    for (const [, s] of reviewflowServices) expect(Object.keys(s.depends_on ?? {})).not.toEqual(expect.arrayContaining(['prometheus']));
    for (const [name, s] of monitoring) {
      for (const volume of (s as { volumes?: string[] }).volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        expect(existsSync(join(root, source)), `${name} mounts ${source}`).toBe(true);
      }
    }
  });

  it('Prometheus scrapes every stage service on the port its REVIEWFLOW_METRICS serves', () => {
    const config = parse(read('scripts/docker/monitoring/prometheus.yml')) as { scrape_configs: Array<{ dns_sd_configs?: Array<{ names: string[]; port: number }> }> };
    const scraped = config.scrape_configs.flatMap((c) => c.dns_sd_configs ?? []);
    for (const stage of topology.stages) {
      const service = compose.services[stage.id]!;
      const port = metricsPort(service);
      expect(port, `${stage.id} exports no Prometheus metrics`).toBeDefined();
      expect(scraped.some((sd) => sd.names.includes(stage.id) && sd.port === port), `${stage.id} is not scraped on ${port}`).toBe(true);
    }
  });

  it('the Grafana dashboard queries only metrics reviewflow exports', () => {
    // the instruments telemetry creates, named as the Prometheus exporter names them
    const source = read('src/telemetry/index.ts');
    const exported = new Set<string>();
    for (const [, kind, name] of source.matchAll(/create(Counter|Histogram|Gauge)\('([\w.]+)'/g)) {
      const base = name!.replace(/\./g, '_');
      if (kind === 'Counter') exported.add(`${base}_total`);
      else if (kind === 'Histogram') for (const suffix of ['_bucket', '_count', '_sum']) exported.add(base + suffix);
      else exported.add(base);
    }
    const dashboard = JSON.parse(read('scripts/docker/monitoring/grafana/dashboards/reviewflow.json')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const used = expr.match(/reviewflow_\w+/g) ?? [];
        expect(used.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const metric of used) expect(exported, `${panel.title} queries ${metric}`).toContain(metric);
      }
    }
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const runtime = stages.at(-1) ?? [];
  const last = (op: string): string | undefined => runtime.filter((i) => i.op === op).at(-1)?.args;

  it('Dockerfile builds in one node:20 stage and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]?.args).toMatch(/^node:20-bookworm-slim(\s|$)/);
    expect(stages.flat().some((i) => i.op === 'RUN' && /npm run build/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.op === 'RUN' && /npm ci .*--omit=dev/.test(i.args))).toBe(true);
  });

  it('Dockerfile ENTRYPOINT runs the CLI that package.json names as the reviewflow bin', () => {
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin.reviewflow;
    expect(bin).toBe('dist/src/cli/main.js');
    expect(JSON.parse(last('ENTRYPOINT') ?? 'null')).toEqual(['node', bin]);
  });

  it('Dockerfile runtime stage copies the topologies and schemas, runs as a non-root user and stops on SIGTERM', () => {
    const copies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args.split(/\s+/)[0]);
    expect(copies).toEqual(expect.arrayContaining(['topologies', 'schemas']));
    expect(last('USER')).toBeDefined();
    expect(['root', '0']).not.toContain(last('USER')?.split(':')[0]);
    expect(last('STOPSIGNAL')).toBe('SIGTERM');
  });

  it('.dockerignore keeps host builds out of the image but not the sources it needs', () => {
    const ignored = read('.dockerignore').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist']));
    for (const needed of ['src', 'bench', 'schemas', 'topologies', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(ignored, needed).not.toContain(needed);
    }
  });
});
