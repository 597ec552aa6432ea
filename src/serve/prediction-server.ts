import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import type { ModelVersion } from '../records/types.js';
import { subscribeModels, type ModelSubscription, type SubscribeOptions } from '../subscription/subscribe.js';
import { ServiceMetrics } from './metrics-text.js';
import { BadRequest, DEFAULT_PREDICT_LIMITS, parsePredictBody, readBody, type PredictLimits } from './request-body.js';

export interface PredictionServiceOptions extends SubscribeOptions {
  limits?: Partial<PredictLimits>;
  logger?: Logger;
}

export interface PredictionService {
  /** The HTTP server; not listening until `listen`. */
  readonly server: Server;
  /** The request handler, to mount in an HTTP server of yours instead of calling `listen`. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Resolves with the first version loaded (see `ModelSubscription.ready`). */
  ready(timeoutMs?: number): Promise<ModelVersion>;
  /** Stops accepting, finishes the requests in flight, then leaves the model topic. */
  close(): Promise<void>;
}

/** A response and the route it is counted under in /metrics. */
type Routed = { route: string; status: number; body: unknown; type?: string };

/**
 * An HTTP prediction service over a model subscription: it follows the model topic and
 * hot-swaps verified versions; every response's predictions come from one version.
 *
 *   POST /v1/predict {"texts": [...]}  → {"model", "version", "predictions": [{"label", "score"}]}
 *   GET  /v1/models                    → the loaded version's manifest (metrics, offsets, backend…)
 *   GET  /healthz, /readyz, /metrics   → up; a verified version is loaded; Prometheus text
 *
 * A bad request gets a 4xx with `{"error", "fix"}`; nothing a client sends makes a 500.
 */
export async function createServer(o: PredictionServiceOptions): Promise<PredictionService> {
  const log = o.logger ?? childLogger({ component: 'serve' });
  const limits: PredictLimits = { ...DEFAULT_PREDICT_LIMITS, ...o.limits };
  const metrics = new ServiceMetrics();
  const onModel = (m: ModelVersion): void => {
    metrics.swaps++;
    metrics.loaded = { model: m.model, version: m.version };
  };
  const models: ModelSubscription = await subscribeModels(o, onModel);

  const notLoaded = (route: string): Routed => ({ route, status: 503, body: { error: 'no verified model version is loaded yet', fix: 'retry once /readyz answers 200' } });

  /** POST /v1/predict, once its body is read. */
  const predict = (req: IncomingMessage, body: Buffer): Routed => {
    const texts = parsePredictBody(req, body, limits);
    if (!models.current()) return notLoaded('predict');
    return { route: 'predict', status: 200, body: models.predict(texts) };
  };

  /** Every other request: answered at once from what is loaded now. */
  const answer = (req: IncomingMessage, path: string): Routed => {
    const notAllowed = (method: string, r: string): Routed => ({ route: r, status: 405, body: { error: `${req.method} is not allowed on ${path}`, fix: `use ${method}` } });
    const only = (method: string, r: string): Routed | undefined => (req.method === method ? undefined : notAllowed(method, r));
    switch (path) {
      case '/v1/predict':
        return notAllowed('POST', 'predict'); // a POST is read and answered by predict (see handle)
      case '/v1/models': {
        const current = models.current();
        if (!current) return notLoaded('models');
        const { configJson: _config, ...manifest } = current;
        return { route: 'models', status: 200, body: { loaded: manifest, swaps: metrics.swaps } };
      }
      case '/healthz':
        return only('GET', 'healthz') ?? { route: 'healthz', status: 200, body: { status: 'up' } };
      case '/readyz': {
        const current = models.current();
        return only('GET', 'readyz') ?? (current ? { route: 'readyz', status: 200, body: { status: 'ready', model: current.model, version: current.version } } : { route: 'readyz', status: 503, body: { status: 'waiting for a verified model version' } });
      }
      case '/metrics':
        return only('GET', 'metrics') ?? { route: 'metrics', status: 200, body: metrics.render(), type: 'text/plain; version=0.0.4' };
      default:
        return { route: 'unknown', status: 404, body: { error: `no route ${path}`, fix: 'use POST /v1/predict, GET /v1/models, /healthz, /readyz or /metrics' } };
    }
  };

  /** A request the client must fix gets a 4xx saying how; anything else is ours: a 500, logged. */
  const failed = (err: unknown): Routed => {
    if (err instanceof BadRequest) return { route: 'predict', status: err.status, body: { error: err.message, fix: err.fix } };
    log.error({ err }, 'request failed');
    return { route: 'error', status: 500, body: { error: 'internal error; see the service log' } };
  };
  const attempt = (route: () => Routed): Routed => {
    try {
      return route();
    } catch (err) {
      return failed(err);
    }
  };

  const respond = (res: ServerResponse, started: number, reply: Routed): void => {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    // a body the client never finished sending is not read further: close the connection after this reply
    if (reply.status === 413) res.setHeader('connection', 'close');
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    metrics.observe(reply.route, reply.status, (performance.now() - started) / 1_000);
  };

  // Plain callbacks, no async layers: on a one-text request the promise hops were a
  // measurable share of the time (docs/PERFORMANCE.md, serving predictions)
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/v1/predict' && req.method === 'POST') {
      readBody(req, limits.maxBodyBytes).then(
        (body) => respond(res, started, attempt(() => predict(req, body))),
        (err: unknown) => respond(res, started, failed(err)),
      );
      return;
    }
    respond(res, started, attempt(() => answer(req, path)));
  };

  const server = createHttpServer(handle);
  return {
    server,
    handle,
    ready: (timeoutMs) => models.ready(timeoutMs),
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: async () => {
      // mounted elsewhere, this server never listened: only the subscription is left to close
      if (server.listening) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      await models.close();
    },
  };
}
