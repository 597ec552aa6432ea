import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BadRequest, readBody } from '../../../src/serve/request-body.js';

/**
 * readBody against a real HTTP server on loopback: what the body read gives back (or
 * refuses) is what a prediction request sees. The handler answers with what happened.
 */
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

type Outcome = { body: string } | { status: number; error: string } | { failed: string };

async function serveReadBody(maxBytes: number): Promise<{ port: number; outcomes: Outcome[]; next: () => Promise<Outcome> }> {
  const outcomes: Outcome[] = [];
  const waiters: Array<(o: Outcome) => void> = [];
  const record = (o: Outcome): void => {
    outcomes.push(o);
    waiters.shift()?.(o);
  };
  server = createServer((req: IncomingMessage, res) => {
    readBody(req, maxBytes).then(
      (body) => {
        record({ body: body.toString('utf8') });
        res.end('ok');
      },
      (err: unknown) => {
        if (err instanceof BadRequest) {
          record({ status: err.status, error: err.message });
          res.writeHead(err.status, { connection: 'close' }).end(err.message);
        } else {
          record({ failed: (err as Error).message });
          res.destroy();
        }
      },
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, outcomes, next: () => new Promise((resolve) => (outcomes.length > waiters.length ? resolve(outcomes[waiters.length]!) : waiters.push(resolve))) };
}

/** Sends `chunks` as a chunked body (no content-length), one write each; resolves with the reply. */
function send(port: number, chunks: string[], headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readBody', () => {
  it('returns a body sent in several chunks, whole and in order', async () => {
    const s = await serveReadBody(1_000);
    const reply = await send(s.port, ['{"texts":', '["one", ', '"two"]}']);
    expect(reply.status).toBe(200);
    expect(await s.next()).toEqual({ body: '{"texts":["one", "two"]}' });
  });

  it('refuses a declared length over the limit before reading anything', async () => {
    const s = await serveReadBody(10);
    const reply = await send(s.port, ['x'.repeat(50)], { 'content-length': '50' });
    expect(reply).toEqual({ status: 413, text: 'the body is 50 bytes, over the 10-byte limit' });
  });

  it('refuses a chunked body once it passes the limit, and still answers the client', async () => {
    const s = await serveReadBody(100);
    const reply = await send(s.port, ['x'.repeat(60), 'y'.repeat(60), 'z'.repeat(60)]);
    expect(reply).toEqual({ status: 413, text: 'the body is over the 100-byte limit' });
    expect(s.outcomes).toEqual([{ status: 413, error: 'the body is over the 100-byte limit' }]);
  });

  it('fails, rather than waiting forever, when the client goes away mid-body', async () => {
    const s = await serveReadBody(1_000);
    const req = request({ port: s.port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-length': '500' } });
    req.on('error', () => {}); // the socket is destroyed on purpose
    req.write('x'.repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    const outcome = await s.next();
    expect(outcome).toEqual({ status: 400, error: 'the client closed the connection before sending the whole body' });
  });
});
