import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { plainLogLine } from '../../src/log-lines.js';
import { childLogger, configureLogging, moduleLogger } from '../../src/log.js';
import { divertStderrLines, writeStderrLine } from '../../src/stderr-lines.js';

const at = new Date(2026, 11, 1, 21, 46, 3).getTime();

describe('plainLogLine', () => {
  it('plainLogLine words a warning with its stage, topic, partition and error', () => {
    const line = plainLogLine({ level: 40, time: at, app: 'reviewflow', pid: 7, stage: 'clean', instance: 'clean-1', topic: 'reviews.raw', partition: 2, err: { type: 'Error', message: 'the group\nrebalanced', stack: 'Error: ...' }, attempt: 2, msg: 'commit failed' });
    expect(line).toBe('21:46:03 warning [clean reviews.raw#2] commit failed: the group rebalanced (attempt=2)');
  });

  it('plainLogLine names the component when no stage is bound and lists simple fields only', () => {
    const line = plainLogLine({ level: 50, time: at, component: 'kafkajs', error: 'Connection error', retryCount: 3, partitions: [0, 1], session: { in: 1 }, msg: 'Crash' });
    expect(line).toBe('21:46:03 error [kafkajs] Crash: Connection error (retryCount=3, partitions=0,1)');
  });

  it('plainLogLine words an error given as text (describeError) as the reason', () => {
    const line = plainLogLine({ level: 40, time: at, component: 'producer', attempt: 1, err: 'Connection error: connect ECONNREFUSED 127.0.0.1:1', msg: 'producer could not connect' });
    expect(line).toBe('21:46:03 warning [producer] producer could not connect: Connection error: connect ECONNREFUSED 127.0.0.1:1 (attempt=1)');
  });

  it('plainLogLine clips long values', () => {
    const line = plainLogLine({ level: 30, time: at, msg: 'backend chosen', why: 'x'.repeat(200) });
    expect(line).toBe(`21:46:03 info backend chosen (why=${'x'.repeat(79)}…)`);
  });
});

/** A destination that keeps what the logger writes. */
function captured(): { destination: Writable; text: () => string } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { destination, text: () => text };
}

describe('configureLogging', () => {
  afterEach(() => configureLogging({ level: 'silent' }));

  it('configureLogging in the pretty format writes plain words with secrets still redacted', () => {
    const { destination, text } = captured();
    configureLogging({ level: 'warn', format: 'pretty', destination }).child({ stage: 'gate' }).warn({ password: 'hunter2' }, 'login refused');
    expect(text()).toMatch(/^\d\d:\d\d:\d\d warning \[gate\] login refused \(password=\[redacted\]\)\n$/);
  });

  it('configureLogging in the json format writes one pino object per line', () => {
    const { destination, text } = captured();
    configureLogging({ level: 'info', destination }).info({ partitions: [0] }, 'partitions assigned');
    expect(JSON.parse(text())).toMatchObject({ level: 30, msg: 'partitions assigned', partitions: [0] });
  });
});

describe('moduleLogger', () => {
  afterEach(() => configureLogging({ level: 'silent' }));

  it('moduleLogger taken before logging is configured writes where it was configured later, as a child taken then does not', () => {
    configureLogging({ level: 'silent' }); // what an import finds: the silent default
    const atImport = childLogger({ component: 'producer' });
    const log = moduleLogger({ component: 'producer' });
    log().warn('before configuring');
    const { destination, text } = captured();
    configureLogging({ level: 'warn', destination });
    atImport.warn('lost');
    log().warn('producer could not connect');
    expect(text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ component: 'producer', msg: 'producer could not connect' }),
    ]);
    expect(log()).toBe(log()); // one child per root, not one per call
  });
});

describe('divertStderrLines', () => {
  it('divertStderrLines hands lines to whoever draws until it gives them back', () => {
    const taken: string[] = [];
    const giveBack = divertStderrLines((line) => taken.push(line));
    writeStderrLine('above the bars\n');
    giveBack();
    const stderrWrite = process.stderr.write;
    const direct: string[] = [];
    process.stderr.write = ((chunk: string) => direct.push(chunk) > 0) as typeof process.stderr.write;
    try {
      writeStderrLine('straight to stderr\n');
    } finally {
      process.stderr.write = stderrWrite;
    }
    expect(taken).toEqual(['above the bars\n']);
    expect(direct).toEqual(['straight to stderr\n']);
  });
});
