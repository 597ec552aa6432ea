import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, portIsFree } from '../../../src/broker/ports.js';

const ephemeralLow = (): number => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
};

describe('freePort', () => {
  it('hands out ports a broker can bind, below the range outgoing connections take theirs from, never one it was told is taken', async () => {
    const taken = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const port = await freePort(taken);
      expect(taken.has(port)).toBe(false);
      expect(port).toBeLessThan(ephemeralLow());
      expect(await portIsFree(port)).toBe(true);
      taken.add(port);
    }
  });

  it('portIsFree says no for a port something listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await portIsFree(port)).toBe(false);
    } finally {
      server.close();
    }
  });
});
