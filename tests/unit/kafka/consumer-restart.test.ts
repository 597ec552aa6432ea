import { EventEmitter } from 'node:events';
import kafkajs, { type Consumer } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTransient, mapKafkaError } from '../../../src/kafka/errors.js';
import { ConsumerPort } from '../../../src/kafka/consumer.js';

const { KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

const EVENTS = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join', END_BATCH_PROCESS: 'consumer.end_batch_process' };

/** A stand-in kafkajs consumer that counts its runs and can be told to report a crash, as kafkajs does. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const calls = { connect: 0, subscribe: 0, run: 0, disconnect: 0 };
  const consumer = {
    events: EVENTS,
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    connect: async () => void calls.connect++,
    subscribe: async () => void calls.subscribe++,
    run: async () => void calls.run++,
    disconnect: async () => void calls.disconnect++,
  };
  // kafkajs disconnects a crashed consumer, then emits its crash event with its restart verdict
  const crash = (error: Error, restart: boolean) => emitter.emit(EVENTS.CRASH, { payload: { error, restart } });
  return { consumer: consumer as unknown as Consumer, calls, crash };
}

/** What kafkajs's retrier throws when no broker could name the group's coordinator. */
function coordinatorLost(): Error {
  // kafkajs's declarations leave out these constructors' arguments
  const Wrapper = KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error;
  const NotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
  const cause = new NotFound('Failed to find group coordinator');
  return new Wrapper(cause, { cause });
}

/** A running port over a fake consumer, with what its crash listeners heard. */
async function running() {
  const fake = fakeConsumer();
  const port = new ConsumerPort(fake.consumer, { groupId: 'g', topics: ['t'] });
  const heard: boolean[] = [];
  port.onCrash((_err, restart) => heard.push(restart));
  await port.run(async () => undefined);
  return { ...fake, port, heard };
}

describe('a consumer that kafkajs gives up on', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('maps "no group coordinator" to a transient error: a broker restarting, not a fault of ours', () => {
    const mapped = mapKafkaError(coordinatorLost(), 'fetch offsets');
    expect(mapped.retriable).toBe(true);
    expect(isTransient(mapped)).toBe(true);
    expect(mapped.message).toContain('group coordinator');
  });

  it('is started again by the port when the cause is transient, and its listeners hear it will be', async () => {
    const { calls, crash, heard } = await running();
    expect(calls.run).toBe(1);
    crash(coordinatorLost(), false);
    expect(heard).toEqual([true]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toMatchObject({ connect: 2, subscribe: 2, run: 2 });
  });

  it('is left stopped when the cause is final (not authorized), and its listeners hear so', async () => {
    const { calls, crash, heard } = await running();
    crash(new KafkaJSProtocolError({ message: 'denied', type: 'GROUP_AUTHORIZATION_FAILED', code: 30, retriable: false } as never), false);
    expect(heard).toEqual([false]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.run).toBe(1);
  });

  it('is not started again once stopped, even when the crash came just before', async () => {
    const { calls, crash, port } = await running();
    crash(coordinatorLost(), false);
    await port.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.run).toBe(1);
  });

  it('leaves a restart kafkajs already makes to kafkajs', async () => {
    const { calls, crash } = await running();
    crash(new Error('retriable, restarted by kafkajs'), true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.run).toBe(1);
  });
});
