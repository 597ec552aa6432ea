import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default when /proc does not say: outgoing connections take their ports from here. */
const DEFAULT_EPHEMERAL_LOW = 32_768;
/** The lowest port handed out for listening: clear of the well-known and registered services most machines run. */
const LISTEN_LOW = 20_000;

/**
 * Where outgoing connections take their local ports. A port handed out for a broker to
 * bind later must lie outside it: between our check and the broker's bind, any client
 * connecting anywhere could take a port from that range (a cluster's node once died at
 * start-up, its port taken, while other tests were busy connecting).
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

/** Asks the OS for a free loopback port (from the ephemeral range). */
function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A free loopback port for a process to listen on a moment later, chosen at random below
 * the ephemeral range (see ephemeralLow) and never one of `taken`. Falls back to the OS's
 * choice when that range is too narrow to pick from.
 */
export async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  const high = ephemeralLow();
  if (high - LISTEN_LOW >= 1_000) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = LISTEN_LOW + Math.floor(Math.random() * (high - LISTEN_LOW));
      if (!taken.has(port) && (await portIsFree(port))) return port;
    }
  }
  for (;;) {
    const port = await osPort();
    if (!taken.has(port)) return port;
  }
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
