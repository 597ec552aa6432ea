import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ReviewflowError } from '../errors.js';
import { runMaven } from '../util/maven.js';
import { packageRoot } from '../util/paths.js';

/** The pinned Kafka version, read from kafka/pom.xml so it is written down once. */
export function kafkaVersion(): string {
  const pom = readFileSync(join(packageRoot(), 'kafka', 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new ReviewflowError(ErrorCode.BROKER_PROVISION, 'kafka/pom.xml names no <kafka.version>', { retriable: false });
  return match[1];
}

export function libsDir(): string {
  return join(packageRoot(), 'kafka', 'libs');
}

function provisioned(dir: string, version: string): boolean {
  const marker = join(dir, '.provisioned');
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === version && readdirSync(dir).some((f) => f === `kafka_2.13-${version}.jar`);
}

/**
 * Copies the Kafka jars from Maven Central into kafka/libs (cached: a second call with
 * the same pinned version does nothing). Needs only Java 17 and Maven.
 */
export async function provisionKafka(log: (line: string) => void = () => {}): Promise<{ libs: string; version: string; cached: boolean }> {
  const version = kafkaVersion();
  const dir = libsDir();
  if (provisioned(dir, version)) return { libs: dir, version, cached: true };
  log(`provisioning Apache Kafka ${version} from Maven Central into ${dir} ...`);
  const pom = join(packageRoot(), 'kafka', 'pom.xml');
  await runMaven(['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${dir}`, '-DoverWriteIfNewer=true'], { code: ErrorCode.BROKER_PROVISION, what: `fetching Kafka ${version}` });
  writeFileSync(join(dir, '.provisioned'), version);
  return { libs: dir, version, cached: false };
}
