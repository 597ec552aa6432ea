// Replaced by the broker-providing global setup (KAFKA_BROKERS, testcontainers, or the embedded broker).
export default async function setup(): Promise<void> {}
