import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderServerProperties } from '../../../src/broker/config.js';
import { BrokerManager, type BrokerState } from '../../../src/broker/manager.js';
import { addScramArguments, checkSecurity, parseUserOption, usersVerifier, verifierMatches, type TlsMaterial } from '../../../src/broker/security.js';
import { hasCode, isReviewflowError } from '../../../src/errors.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const tls: TlsMaterial = { keystorePath: '/state/tls/broker.keystore.p12', truststorePath: '/state/tls/truststore.p12', storePassword: 'store-pw', caPemPath: '/state/tls/ca.pem' };

function properties(text: string): Map<string, string> {
  return new Map(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
}

describe('parseUserOption', () => {
  it('parseUserOption splits at the first colon so passwords may hold colons', () => {
    expect(parseUserOption('alice:se:cr:et')).toEqual({ username: 'alice', password: 'se:cr:et' });
  });

  it('parseUserOption rejects a value without name or password as INVALID_CONFIG', () => {
    for (const bad of ['alice', ':secret', 'alice:']) expect(hasCode(thrown(() => parseUserOption(bad)), 'INVALID_CONFIG'), bad).toBe(true);
  });

  it('parseUserOption rejects characters the format tool would misread, without echoing the password', () => {
    for (const password of ['a,b', 'a]b', 'a=b', 'a b', 'a"b']) {
      const err = thrown(() => parseUserOption(`alice:${password}`));
      expect(hasCode(err, 'INVALID_CONFIG'), password).toBe(true);
      expect(isReviewflowError(err) && `${err.message} ${err.hint}`).not.toContain(password);
    }
    expect(hasCode(thrown(() => parseUserOption('al ice:secret')), 'INVALID_CONFIG')).toBe(true);
  });
});

describe('checkSecurity', () => {
  it('checkSecurity wants at least one user and no user twice', () => {
    expect(hasCode(thrown(() => checkSecurity({ saslSsl: true, users: [] })), 'INVALID_CONFIG')).toBe(true);
    const twice = [{ username: 'a', password: 'x' }, { username: 'a', password: 'y' }];
    expect(hasCode(thrown(() => checkSecurity({ saslSsl: true, users: twice })), 'INVALID_CONFIG')).toBe(true);
    expect(() => checkSecurity({ saslSsl: false, users: [] })).not.toThrow();
  });

  it('addScramArguments gives one SCRAM-SHA-512 --add-scram per user', () => {
    expect(addScramArguments([{ username: 'alice', password: 'a-1' }, { username: 'bob', password: 'b:2' }])).toEqual([
      '--add-scram',
      'SCRAM-SHA-512=[name=alice,password=a-1]',
      '--add-scram',
      'SCRAM-SHA-512=[name=bob,password=b:2]',
    ]);
  });
});

describe('usersVerifier', () => {
  const users = [{ username: 'alice', password: 'one' }, { username: 'bob', password: 'two' }];

  it('usersVerifier matches the same users in any order and nothing else', () => {
    const verifier = usersVerifier(users);
    expect(verifierMatches(verifier, [...users].reverse())).toBe(true);
    expect(verifierMatches(verifier, [{ username: 'alice', password: 'one' }])).toBe(false);
    expect(verifierMatches(verifier, [{ username: 'alice', password: 'one' }, { username: 'bob', password: 'TWO' }])).toBe(false);
    expect(verifier).not.toContain('one');
  });

  it('usersVerifier is salted: two verifiers of the same users differ', () => {
    expect(usersVerifier(users)).not.toBe(usersVerifier(users));
  });
});

describe('renderServerProperties with SASL_SSL', () => {
  const node = { nodeId: 1, brokerPort: 9092, controllerPort: 9093, saslSslPort: 9094 };

  it('renderServerProperties adds a SASL_SSL listener and keeps PLAINTEXT between brokers and for the controller', () => {
    const p = properties(renderServerProperties({ node, all: [node], dataDir: '/d', tls }));
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_SSL://127.0.0.1:9094');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9094');
    expect(p.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL');
    expect(p.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(p.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(p.get('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config')).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    expect(p.get('listener.name.sasl_ssl.ssl.keystore.location')).toBe(tls.keystorePath);
    expect(p.get('listener.name.sasl_ssl.ssl.keystore.password')).toBe('store-pw');
  });

  it('renderServerProperties with SASL_SSL turns on the StandardAuthorizer, denying what no ACL allows, with the loopback principal and the named super users', () => {
    const p = properties(renderServerProperties({ node, all: [node], dataDir: '/d', tls, superUsers: ['admin', 'ops'] }));
    expect(p.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(p.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(p.get('super.users')).toBe('User:ANONYMOUS;User:admin;User:ops');
  });

  it('renderServerProperties without a SASL_SSL port has no SASL or TLS settings and no authorizer', () => {
    const plain = { nodeId: 1, brokerPort: 9092, controllerPort: 9093 };
    const text = renderServerProperties({ node: plain, all: [plain], dataDir: '/d' });
    expect(text).not.toMatch(/sasl|ssl|authorizer|super\.users/i);
  });
});

describe('BrokerManager.status', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rf-status-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('broker status reports the SASL_SSL address, CA file and user names, never the verifier', () => {
    const stateDir = tempDir();
    const state: BrokerState = {
      version: '4.1.1',
      clusterId: 'c',
      bootstrap: '127.0.0.1:9092',
      nodes: [{ nodeId: 1, brokerPort: 9092, controllerPort: 9093, saslSslPort: 9094, pid: -1, dataDir: '/d', logDir: '/l' }],
      startedAt: new Date(0).toISOString(),
      saslSsl: { mechanism: 'scram-sha-512', bootstrap: '127.0.0.1:9094', caPemPath: '/state/tls/ca.pem', usernames: ['alice'], usersVerifier: usersVerifier([{ username: 'alice', password: 'pw-xyz' }]) },
    };
    writeFileSync(join(stateDir, 'state.json'), JSON.stringify(state));
    const status = new BrokerManager({ stateDir }).status();
    expect(status.running).toBe(false);
    expect(status.saslSsl).toEqual({ mechanism: 'scram-sha-512', bootstrap: '127.0.0.1:9094', caPemPath: '/state/tls/ca.pem', usernames: ['alice'] });
    expect(JSON.stringify(status)).not.toContain(state.saslSsl!.usersVerifier.split('$')[1]);
  });

  it('broker status without a state file reports no SASL_SSL listener', () => {
    expect(new BrokerManager({ stateDir: tempDir() }).status().saslSsl).toBeNull();
  });
});
