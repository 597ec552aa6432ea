/** How to reach a Kafka cluster. Parsed once (topology + environment) and frozen. */
export interface SaslSettings {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface TlsSettings {
  /** PEM CA bundle that signed the brokers' certificates. */
  ca?: string;
  /** PEM client certificate and key, for mutual TLS. */
  cert?: string;
  key?: string;
  /** Off only for throwaway local clusters; never the default. */
  rejectUnauthorized: boolean;
  /** Expected broker host name where it differs from the address dialled. */
  servername?: string;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  tls?: TlsSettings;
  sasl?: SaslSettings;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

export function redactSettings(settings: KafkaSettings): Record<string, unknown> {
  return {
    ...settings,
    sasl: settings.sasl ? { ...settings.sasl, password: '[redacted]' } : undefined,
    tls: settings.tls ? { ...settings.tls, key: settings.tls.key ? '[redacted]' : undefined } : undefined,
  };
}
