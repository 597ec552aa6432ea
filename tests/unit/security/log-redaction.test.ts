import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { redactSettings, type KafkaSettings } from '../../../src/kafka/index.js';
import { configureLogging } from '../../../src/log.js';

const PASSWORD = 'hunter2-do-not-print';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg-not-a-real-key\n-----END PRIVATE KEY-----';

const settings: KafkaSettings = Object.freeze<KafkaSettings>({
  brokers: ['127.0.0.1:9093'],
  clientId: 'redaction-test',
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 5000,
  tls: { ca: 'CA-PEM', cert: 'CERT-PEM', key: KEY, rejectUnauthorized: true },
  sasl: { mechanism: 'scram-sha-512', username: 'alice', password: PASSWORD },
});

/** A pino logger whose lines land in an array, parsed. */
function capturedLogger(): { log: ReturnType<typeof configureLogging>; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const log = configureLogging({ level: 'info', destination });
  return { log, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

afterEach(() => configureLogging({ level: 'silent' }));

describe('log redaction', () => {
  // every shape in which code in this repository logs or might log connection settings
  const shapes: Record<string, Record<string, unknown>> = {
    'settings at the top level': { ...settings },
    'settings under a key': { settings },
    'settings two keys deep': { kafka: { settings } },
    'a topology broker section': { topology: { broker: { sasl: settings.sasl, tls: settings.tls } } },
    'a bare broker section': { broker: { sasl: settings.sasl } },
    'sasl on its own': { sasl: settings.sasl },
  };

  for (const [shape, value] of Object.entries(shapes)) {
    it(`logger prints [redacted] for the SASL password and TLS key in ${shape}`, () => {
      const { log, lines } = capturedLogger();
      log.info(value, 'connecting');
      const [line] = lines();
      expect(line).toBeDefined();
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain('not-a-real-key');
      expect(line).toContain('[redacted]');
      expect(line).toContain('alice'); // redaction is targeted: the user name stays readable
    });
  }

  it('logger still prints the line and leaves the logged object untouched', () => {
    const { log, lines } = capturedLogger();
    const value = { settings: { sasl: { ...settings.sasl! } } };
    log.info(value, 'connecting');
    expect(JSON.parse(lines()[0]!).msg).toBe('connecting');
    expect(value.settings.sasl.password).toBe(PASSWORD);
  });

  it('child logger with bound settings redacts them too', () => {
    const { log, lines } = capturedLogger();
    log.child({ settings }).warn('retrying');
    expect(lines()[0]).not.toContain(PASSWORD);
  });
});

describe('redactSettings', () => {
  it('redactSettings replaces the password and private key and keeps everything else', () => {
    const redacted = redactSettings(settings);
    expect(redacted.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: '[redacted]' });
    expect(redacted.tls).toEqual({ ca: 'CA-PEM', cert: 'CERT-PEM', key: '[redacted]', rejectUnauthorized: true });
    expect(redacted.brokers).toEqual(['127.0.0.1:9093']);
    expect(JSON.stringify(redacted)).not.toContain(PASSWORD);
    expect(settings.sasl!.password).toBe(PASSWORD);
  });

  it('redactSettings of settings without security adds none', () => {
    const { tls: _t, sasl: _s, ...plain } = settings;
    const redacted = redactSettings(plain);
    expect(redacted.sasl).toBeUndefined();
    expect(redacted.tls).toBeUndefined();
  });
});
