import { createRequire } from 'node:module';

/** The part of kafkajs's per-connection request queue that the fix below touches. */
interface RequestQueue {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

/**
 * kafkajs 2.2.4 keeps every broker connection awake a thousand times a second while it has
 * nothing to send. After each check of its queue it schedules the next check, and with no
 * request waiting and no throttle the delay is negative, which Node runs as 1 ms: an
 * endless timer loop per connection (kafkajs issues #1556, #1604 and #1704, unfixed
 * upstream). On a busy thread it hides in the event loop's own turns. On an idle thread,
 * such as the one that reads the model topic beside `serve`, it costs a context switch
 * per millisecond, which took about a sixth off serve's requests per second on two cores.
 *
 * The check is only needed while a request waits (throttled, or over the in-flight
 * limit), and `push` schedules one whenever it queues a request: with nothing pending
 * there is nothing to schedule. Returns false, changing nothing, when kafkajs's queue no
 * longer has that shape (a new kafkajs version); a unit test then fails to say so.
 */
export function stopIdleConnectionPolling(): boolean {
  const require = createRequire(import.meta.url);
  let RequestQueueClass: { prototype: RequestQueue } | undefined;
  try {
    RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
  } catch {
    return false;
  }
  const proto = RequestQueueClass.prototype;
  const schedule = proto.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function') return false;
  if (schedule.name === 'scheduleOnlyWhilePending') return true;
  proto.scheduleCheckPendingRequests = function scheduleOnlyWhilePending(this: RequestQueue): void {
    if (this.pending.length > 0) schedule.call(this);
  };
  return true;
}
