/**
 * The few Prometheus series the prediction service exposes, kept by hand: a counter per
 * label set and one latency histogram per route, rendered in the text exposition format.
 * (The operations issue brings OpenTelemetry metrics to every command; until then this
 * keeps `serve` observable without an SDK.)
 */
const BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function labels(values: Record<string, string>): string {
  const pairs = Object.entries(values).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

export class ServiceMetrics {
  private readonly requests = new Map<string, { labels: Record<string, string>; value: number }>();
  private readonly latency = new Map<string, Histogram>();
  swaps = 0;
  loaded: { model: string; version: number } | undefined;

  observe(route: string, status: number, seconds: number): void {
    const key = `${route}\u0000${status}`;
    const counter = this.requests.get(key) ?? { labels: { route, status: String(status) }, value: 0 };
    counter.value++;
    this.requests.set(key, counter);
    const h = this.latency.get(route) ?? { counts: BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 };
    BUCKETS_SECONDS.forEach((bound, i) => {
      if (seconds <= bound) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
    this.latency.set(route, h);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP reviewflow_http_requests_total HTTP requests answered, by route and status.', '# TYPE reviewflow_http_requests_total counter');
    for (const c of this.requests.values()) out.push(`reviewflow_http_requests_total${labels(c.labels)} ${c.value}`);
    out.push('# HELP reviewflow_http_request_duration_seconds Time from request to response, by route.', '# TYPE reviewflow_http_request_duration_seconds histogram');
    for (const [route, h] of this.latency) {
      BUCKETS_SECONDS.forEach((bound, i) => out.push(`reviewflow_http_request_duration_seconds_bucket${labels({ route, le: String(bound) })} ${h.counts[i]}`));
      out.push(`reviewflow_http_request_duration_seconds_bucket${labels({ route, le: '+Inf' })} ${h.count}`);
      out.push(`reviewflow_http_request_duration_seconds_sum${labels({ route })} ${h.sum}`);
      out.push(`reviewflow_http_request_duration_seconds_count${labels({ route })} ${h.count}`);
    }
    out.push('# HELP reviewflow_model_swaps_total Model versions swapped in since start.', '# TYPE reviewflow_model_swaps_total counter', `reviewflow_model_swaps_total ${this.swaps}`);
    out.push('# HELP reviewflow_model_version The model version predictions come from (absent before the first).', '# TYPE reviewflow_model_version gauge');
    if (this.loaded) out.push(`reviewflow_model_version${labels({ model: this.loaded.model })} ${this.loaded.version}`);
    return `${out.join('\n')}\n`;
  }
}
