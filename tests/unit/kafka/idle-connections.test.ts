import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { stopIdleConnectionPolling } from '../../../src/kafka/idle-connections.js';

/**
 * kafkajs 2.2.4's per-connection request queue, with the fix src/kafka/client.ts applies:
 * an idle queue arms no timer, and a request held back by a throttle still goes out once
 * the throttle ends. Should a kafkajs upgrade change the queue, the first test fails and
 * says the fix must be looked at again.
 */
interface Queue {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  maybeThrottle(ms: number): void;
  push(request: { entry: object; expectResponse: boolean; sendRequest(): void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  destroy(): void;
}

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (o: object) => Queue;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function queue(): Queue {
  return new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'localhost:9092', logger: quiet });
}

/** Pushes one request; `sent` resolves when the queue hands it to the socket. */
function request(q: Queue, correlationId: number): { sent: Promise<void> } {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const entry = { correlationId, apiKey: 3, apiName: 'Metadata', apiVersion: 6, resolve() {}, reject() {} };
  q.push({ entry, expectResponse: true, sendRequest: markSent });
  return { sent };
}

describe('stopIdleConnectionPolling', () => {
  it('applies to the installed kafkajs, once however often it is called', () => {
    expect(stopIdleConnectionPolling()).toBe(true);
    expect(stopIdleConnectionPolling()).toBe(true);
  });

  it('leaves a queue with nothing to send without a timer after its last answer', async () => {
    stopIdleConnectionPolling();
    const q = queue();
    const { sent } = request(q, 1);
    await sent;
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(q.pending).toHaveLength(0);
    // kafkajs's own scheduling arms a 1 ms timer here, and again after every check
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still sends a request that waited out a broker throttle, then goes quiet again', async () => {
    stopIdleConnectionPolling();
    const q = queue();
    q.maybeThrottle(40);
    let sentAt = 0;
    const pushedAt = Date.now();
    const { sent } = request(q, 7);
    const done = sent.then(() => (sentAt = Date.now()));
    expect(q.pending).toHaveLength(1);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await Promise.race([done, sleep(2_000)]);
    expect(sentAt - pushedAt).toBeGreaterThanOrEqual(30);
    q.fulfillRequest({ correlationId: 7, payload: Buffer.alloc(0), size: 0 });
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });
});
