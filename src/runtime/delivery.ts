/** How the runtime retries a produce the broker did not acknowledge (transient errors). */
export const DELIVERY_RETRY = { attempts: 8, baseMs: 200, maxMs: 5_000 } as const;
