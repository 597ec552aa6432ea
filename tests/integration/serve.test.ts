import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/topology/index.js';
import { writeTopologyFile } from '../helpers/cli.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { publishVersions } from '../helpers/publish-versions.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';

/**
 * `reviewflow serve` driven from outside as a user would: plain HTTP requests, bad bodies,
 * versions published while requests keep coming, and SIGTERM with requests in flight.
 */
const kafka = testKafka();
let topology: Topology;
let serve: ServeProcess | undefined;
let base = '';

/** Trains until the trainer published `versions` more versions. */
const publish = (versions: number, from: number): Promise<void> => publishVersions({ kafka, topology, versions, from, tag: 'serve' });

const post = (body: string, type = 'application/json'): Promise<Response> => fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': type }, body });
const texts = (list: string[]): string => JSON.stringify({ texts: list });

beforeAll(async () => {
  topology = await testTopology(kafka, 'serve', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    stages: t.stages.map((s) => (s.id === 'train' ? { ...s, batchSize: 500, options: { ...s.options, buckets: 65_536, publishEveryExamples: 1_000, publishEveryMs: 600_000 } } : s)),
  }));
  serve = await startServe(['--topology', writeTopologyFile(topology), '--max-texts', '8', '--max-text-chars', '200']);
  base = serve.base;
}, 90_000);

afterAll(async () => {
  await serve?.kill();
  await dropTopology(kafka, topology);
});

describe('reviewflow serve', () => {
  it('serve answers health at once, readiness and predictions only once a verified version is loaded', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const early = await post(texts(['fine']));
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ error: expect.stringContaining('no verified model version'), fix: expect.any(String) });

    await publish(1, 0);
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${base}/readyz`)).status !== 200 && Date.now() < deadline) await sleep(100);
    const res = await post(texts(['item felt great and lovely overall', 'item felt awful and broken overall']));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; version: number; predictions: Array<{ label: number; score: number }> };
    expect(body).toMatchObject({ model: 'sentiment', version: 1 });
    expect(body.predictions.map((p) => p.label)).toEqual([1, 0]);
    expect(body.predictions[0]!.score).toBeGreaterThan(0.5);
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { loaded: { version: number; metrics: { holdoutAccuracy: number } } };
    expect(models.loaded.version).toBe(1);
    expect(models.loaded.metrics.holdoutAccuracy).toBeGreaterThan(0.9);
  }, 150_000);

  it.each([
    ['malformed JSON', () => post('{"texts": ['), 400, 'not valid JSON'],
    ['a wrong content type', () => post(texts(['ok']), 'text/plain'), 415, 'is not JSON'],
    ['texts that are not an array', () => post(JSON.stringify({ texts: 'ok' })), 400, '"texts" must be an array'],
    ['a body that is an array', () => post(JSON.stringify(['ok'])), 400, '"texts" must be an array'],
    ['a text that is a number', () => post(JSON.stringify({ texts: ['ok', 42] })), 400, 'texts[1] is a number'],
    ['no texts', () => post(texts([])), 400, 'is empty'],
    ['too many texts', () => post(texts(Array.from({ length: 9 }, () => 'ok'))), 413, '9 texts, over the limit of 8'],
    ['a text that is too long', () => post(texts(['x'.repeat(201)])), 413, 'texts[0] has 201 characters'],
    ['GET on the predict route', () => fetch(`${base}/v1/predict`), 405, 'GET is not allowed'],
    ['an unknown path', () => fetch(`${base}/v2/predict`), 404, 'no route /v2/predict'],
  ])('serve answers %s with a 4xx and a JSON error that says what to fix', async (_name, send, status, error) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: string; fix: string };
    expect(body.error).toContain(error);
    expect(body.fix.length).toBeGreaterThan(5);
  });

  it('serve swaps in new versions under load without a failed request, one version per response, and counts them in /metrics', async () => {
    const seen = new Set<number>();
    let failed = 0;
    let answered = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        const res = await post(texts(['item felt superb overall', 'item felt dull overall']));
        if (res.status !== 200) failed++;
        else {
          const body = (await res.json()) as { version: number; predictions: unknown[] };
          seen.add(body.version);
          if (body.predictions.length !== 2) failed++;
        }
        answered++;
      }
    })();
    await publish(2, 1_250);
    const deadline = Date.now() + 30_000;
    while (!seen.has(3) && Date.now() < deadline) await sleep(100);
    loading = false;
    await load;
    expect(failed).toBe(0);
    expect(answered).toBeGreaterThan(10);
    expect([...seen].sort()).toEqual([1, 2, 3].filter((v) => seen.has(v)));
    expect(seen.has(3)).toBe(true);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/reviewflow_http_requests_total\{route="predict",status="200"\} \d+/);
    expect(metrics).toMatch(/reviewflow_http_request_duration_seconds_bucket\{route="predict",le="\+Inf"\} \d+/);
    expect(metrics).toContain('reviewflow_model_swaps_total 3');
    expect(metrics).toContain('reviewflow_model_version{model="sentiment"} 3');
  }, 150_000);

  it('serve finishes the requests in flight on SIGTERM and exits 0', async () => {
    const inFlight = Array.from({ length: 20 }, () => post(texts(['item felt lovely overall'])));
    serve!.child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight.map((p) => p.then((r) => r.status).catch(() => 'refused')));
    expect(await serve!.exited).toBe(0);
    // requests the server had accepted were answered; later ones found the port closed
    expect(statuses.filter((s) => s !== 200 && s !== 'refused')).toEqual([]);
    expect(serve!.stdout()).toContain('"stopped":true');
  }, 60_000);
});
