/**
 * The embedded broker's optional SASL_SSL listener: SCRAM-SHA-512 users and the TLS
 * material it serves. Certificates are made once per state folder with the JDK's keytool
 * and kept, so a client's CA file stays valid across restarts.
 */
import { spawnSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ReviewflowError, fatal } from '../errors.js';

export interface ScramUser {
  username: string;
  password: string;
}

export interface BrokerSecurityOptions {
  /** Adds a SASL_SSL (SCRAM-SHA-512 over TLS) listener next to PLAINTEXT. */
  saslSsl: boolean;
  /** SCRAM-SHA-512 users, created when the cluster's storage is formatted. */
  users: ScramUser[];
  /** Usernames the authorizer lets do anything; every other user needs ACLs. */
  superUsers?: string[];
}

/** What the state file records about the SASL_SSL listener: never a password. */
export interface SaslSslState {
  mechanism: 'scram-sha-512';
  bootstrap: string;
  caPemPath: string;
  usernames: string[];
  /** Users the authorizer lets do anything: kept so a restart without options keeps them. */
  superUsers?: string[];
  /** Salted verifier of the users the storage was formatted with. */
  usersVerifier: string;
}

/** Where the broker's TLS files are; the store password is the same for keystore and truststore. */
export interface TlsMaterial {
  keystorePath: string;
  truststorePath: string;
  storePassword: string;
  /** PEM of the CA that signed the broker certificate: what clients trust (`tls.ca`). */
  caPemPath: string;
}

/** The subject alternative names clients may dial. */
const BROKER_SAN = 'SAN=IP:127.0.0.1,DNS:localhost';
const VALIDITY_DAYS = '3650';
const STORE_PASSWORD_ENV = 'REVIEWFLOW_KEYTOOL_STOREPASS';
const CA_PASSWORD_ENV = 'REVIEWFLOW_KEYTOOL_CAPASS';

// What `StorageTool format --add-scram 'SCRAM-SHA-512=[name=..,password=..]'` parses safely:
// no separators (`,` `=` `[` `]`), quotes or whitespace.
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;
const PASSWORD = /^[A-Za-z0-9!#$%&()*+./:;<>?@^_{|}~-]{1,128}$/;

/** Parses the CLI's `--user name:password`; the password may itself hold colons. */
export function parseUserOption(value: string): ScramUser {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    throw fatal(ErrorCode.INVALID_CONFIG, '--user takes name:password', { hint: 'for example --user alice:alice-secret' });
  }
  return checkUser({ username: value.slice(0, colon), password: value.slice(colon + 1) });
}

/** Rejects (never rewrites) names and passwords the format tool would misread. */
export function checkUser(user: ScramUser): ScramUser {
  if (!USERNAME.test(user.username)) {
    throw fatal(ErrorCode.INVALID_CONFIG, `SCRAM user name "${user.username}" is not allowed`, { hint: 'use 1-64 letters, digits, ".", "_" or "-"' });
  }
  if (!PASSWORD.test(user.password)) {
    // the password itself is never part of a message
    throw fatal(ErrorCode.INVALID_CONFIG, `the password of SCRAM user "${user.username}" has characters the embedded broker cannot take`, {
      hint: 'use 1-128 characters without spaces, quotes, ",", "=", "[", "]" or "\\"',
    });
  }
  return user;
}

export function checkSecurity(security: BrokerSecurityOptions): void {
  if (!security.saslSsl) return;
  if (security.users.length === 0) throw fatal(ErrorCode.INVALID_CONFIG, 'a SASL_SSL listener needs at least one SCRAM user', { hint: 'add --user name:password' });
  const names = new Set<string>();
  for (const user of security.users) {
    checkUser(user);
    if (names.has(user.username)) throw fatal(ErrorCode.INVALID_CONFIG, `SCRAM user "${user.username}" is given twice`);
    names.add(user.username);
  }
  for (const name of security.superUsers ?? []) {
    if (!names.has(name)) throw fatal(ErrorCode.INVALID_CONFIG, `super user "${name}" is not one of the SCRAM users`, { hint: `add --user ${name}:PASSWORD` });
  }
}

/** StorageTool arguments that create the users in the cluster's first metadata. */
export function addScramArguments(users: ScramUser[]): string[] {
  return users.flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.username},password=${u.password}]`]);
}

/**
 * A salted verifier of the user list, so a restart with other credentials can tell that
 * the formatted storage no longer matches. Same strength as what Kafka itself stores.
 */
export function usersVerifier(users: ScramUser[], salt: string = randomBytes(16).toString('base64url')): string {
  const canonical = JSON.stringify([...users].sort((a, b) => a.username.localeCompare(b.username)).map((u) => [u.username, u.password]));
  return `${salt}$${pbkdf2Sync(canonical, salt, 10_000, 32, 'sha512').toString('base64url')}`;
}

export function verifierMatches(verifier: string, users: ScramUser[]): boolean {
  const salt = verifier.split('$')[0] ?? '';
  const expected = Buffer.from(verifier);
  const actual = Buffer.from(usersVerifier(users, salt));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether a cluster may serve a start request: no security asked for, or the same listener and users. */
export function securityFits(saslSsl: SaslSslState | undefined, security: BrokerSecurityOptions | undefined): boolean {
  if (!security) return true;
  return saslSsl !== undefined && verifierMatches(saslSsl.usersVerifier, security.users);
}

/** The state of a (re)started listener; a restart without users keeps the recorded ones. */
export function saslSslState(o: { nodes: Array<{ saslSslPort?: number }>; tls: TlsMaterial; security: BrokerSecurityOptions | undefined; previous: SaslSslState | undefined }): SaslSslState {
  return {
    mechanism: 'scram-sha-512',
    bootstrap: o.nodes.map((n) => `127.0.0.1:${n.saslSslPort}`).join(','),
    caPemPath: o.tls.caPemPath,
    usernames: o.security ? o.security.users.map((u) => u.username) : (o.previous?.usernames ?? []),
    usersVerifier: o.security ? usersVerifier(o.security.users) : (o.previous?.usersVerifier ?? ''),
    superUsers: o.security ? (o.security.superUsers ?? []) : (o.previous?.superUsers ?? []),
  };
}

function keytool(args: string[], env: Record<string, string>): void {
  const result = spawnSync('keytool', args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new ReviewflowError(ErrorCode.BROKER_START, `keytool ${args[0]} failed: ${(result.stderr || result.stdout || result.error?.message || '').trim()}`, {
      retriable: false,
      hint: 'keytool comes with Java 17 (a JDK, not only a JRE); `npx reviewflow broker stop --purge` clears a broken state folder',
    });
  }
}

/**
 * Makes (once) a CA, a broker key pair signed by it for 127.0.0.1/localhost, a PKCS12
 * keystore and truststore, and the CA as PEM. Passwords reach keytool through its
 * environment, never its command line.
 */
export function ensureTlsMaterial(dir: string): TlsMaterial {
  const material: TlsMaterial = {
    keystorePath: join(dir, 'broker.keystore.p12'),
    truststorePath: join(dir, 'truststore.p12'),
    storePassword: '',
    caPemPath: join(dir, 'ca.pem'),
  };
  const passwordPath = join(dir, 'store.password');
  if ([material.keystorePath, material.truststorePath, material.caPemPath, passwordPath].every((p) => existsSync(p))) {
    return { ...material, storePassword: readFileSync(passwordPath, 'utf8').trim() };
  }
  rmSync(dir, { recursive: true, force: true }); // half-made material is remade whole
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const storePassword = randomBytes(18).toString('base64url');
  const env = { [STORE_PASSWORD_ENV]: storePassword, [CA_PASSWORD_ENV]: randomBytes(18).toString('base64url') };
  const ca = join(dir, 'ca.p12');
  const csr = join(dir, 'broker.csr');
  const signed = join(dir, 'broker.pem');
  const caStore = ['-keystore', ca, '-storetype', 'PKCS12', '-storepass:env', CA_PASSWORD_ENV];
  const brokerStore = ['-keystore', material.keystorePath, '-storetype', 'PKCS12', '-storepass:env', STORE_PASSWORD_ENV];
  const common = ['-keyalg', 'RSA', '-keysize', '2048', '-validity', VALIDITY_DAYS];
  keytool(['-genkeypair', '-alias', 'ca', ...common, '-dname', 'CN=reviewflow embedded CA', '-ext', 'bc:c', ...caStore], env);
  keytool(['-exportcert', '-rfc', '-alias', 'ca', '-file', material.caPemPath, ...caStore], env);
  keytool(['-genkeypair', '-alias', 'broker', ...common, '-dname', 'CN=localhost', '-ext', BROKER_SAN, ...brokerStore], env);
  keytool(['-certreq', '-alias', 'broker', '-file', csr, ...brokerStore], env);
  keytool(
    ['-gencert', '-rfc', '-alias', 'ca', '-infile', csr, '-outfile', signed, '-validity', VALIDITY_DAYS, '-ext', BROKER_SAN, '-ext', 'ku:c=digitalSignature,keyEncipherment', '-ext', 'eku=serverAuth', ...caStore],
    env,
  );
  // the chain must be complete in the keystore before the signed certificate replaces the self-signed one
  keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', material.caPemPath, ...brokerStore], env);
  keytool(['-importcert', '-noprompt', '-alias', 'broker', '-file', signed, ...brokerStore], env);
  keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', material.caPemPath, '-keystore', material.truststorePath, '-storetype', 'PKCS12', '-storepass:env', STORE_PASSWORD_ENV], env);
  rmSync(csr, { force: true });
  writeFileSync(passwordPath, storePassword, { mode: 0o600 });
  chmodSync(ca, 0o600);
  chmodSync(material.keystorePath, 0o600);
  return { ...material, storePassword };
}
