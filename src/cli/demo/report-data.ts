import type { KafkaPort } from '../../kafka/index.js';
import { readModelHistory } from '../../subscription/history.js';
import { decode } from '../../records/index.js';
import type { QualityMetrics } from '../../records/types.js';
import type { RunReportData } from '../../report/types.js';
import { collectStatus } from '../../runtime/status.js';
import type { KindRegistry } from '../../runtime/kinds.js';
import type { Topology } from '../../topology/index.js';
import type { ThroughputSample } from './progress.js';

/** The default of `executor` in schemas/model-version/v2.avsc, which v1 manifests decode to. */
const EXECUTOR_NOT_RECORDED = 'unknown';

/** Everything the run report shows, read back from Kafka (and the live samples, if any). */
export async function collectReportData(options: {
  kafka: KafkaPort;
  topology: Topology;
  kinds: KindRegistry;
  startedAt: number;
  backend: string;
  samples?: ThroughputSample[];
  rejectedCandidates?: number;
}): Promise<RunReportData> {
  const { kafka, topology } = options;
  const { stages } = await collectStatus(kafka, topology);
  const versions: RunReportData['versions'] = [];
  const labels: RunReportData['labels'] = [];
  for (const topic of new Set(options.kinds.trainingStages(topology.stages).map((s) => s.output))) {
    const { versions: history, index } = await readModelHistory(kafka, topic);
    for (const model of new Set(history.map((v) => v.model))) {
      for (const l of index.labels(model).values()) {
        labels.push({ model, label: l.label, version: l.version, previous: l.history[0]?.version ?? null, action: l.action, by: l.by, at: l.at, reason: l.reason });
      }
    }
    for (const v of history) {
      versions.push({
        model: v.model,
        version: v.version,
        createdAt: v.createdAt,
        examplesSeen: v.examplesSeen,
        holdoutAccuracy: v.metrics.holdoutAccuracy,
        prequentialAccuracy: v.metrics.prequentialAccuracy,
        holdoutAccuracyFullPrecision: v.metrics.holdoutAccuracyFullPrecision,
        bytes: v.weights.bytes,
        encoding: v.weights.encoding,
        precision: v.metrics.precision,
        recall: v.metrics.recall,
        f1: v.metrics.f1,
        rocAuc: v.metrics.rocAuc,
        brier: v.metrics.brier,
        confusion: v.metrics.confusion,
        reliability: v.metrics.reliability,
        backend: v.backend,
        // A v1 manifest decodes with the schema's default executor, 'unknown': not recorded.
        executor: v.executor === EXECUTOR_NOT_RECORDED ? null : v.executor,
        device: v.device,
      });
    }
  }
  const quality: RunReportData['quality'] = [];
  for (const topic of new Set(topology.stages.map((s) => s.quality).filter((t): t is string => Boolean(t)))) {
    await kafka.readToEnd({ topic }, (m) => {
      if (!m.value) return;
      const q: QualityMetrics = decode('quality', m.value);
      quality.push({ windowEnd: q.windowEnd, positiveRate: q.positiveRate, lengthMean: q.lengthMean, lengthPsi: q.lengthPsi, oovRate: q.oovRate, count: q.count });
    });
  }
  quality.sort((a, b) => a.windowEnd - b.windowEnd);
  const samples = options.samples ?? [];
  return {
    generatedAt: Date.now(),
    topology: `${topology.name} (${topology.file})`,
    durationMs: Date.now() - options.startedAt,
    backend: options.backend,
    stages: stages.map((s) => ({
      stage: s.stage,
      kind: s.kind,
      in: s.in,
      out: s.out,
      quarantined: s.quarantined,
      deadLettered: s.deadLettered,
      duplicates: s.duplicates,
      generated: s.generated,
      lag: s.lag,
      reasons: s.reasons,
      throughput: samples.filter((x) => x.stage === s.stage).map((x) => ({ t: x.t, recordsPerSec: x.recordsPerSec })),
    })),
    versions,
    rejectedCandidates: options.rejectedCandidates ?? 0,
    labels,
    quality,
  };
}
