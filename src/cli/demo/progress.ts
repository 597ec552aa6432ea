import cliProgress from 'cli-progress';
import { divertStderrLines } from '../../stderr-lines.js';
import type { Pipeline } from '../../runtime/pipeline.js';
import type { Feeder } from './feeder.js';

export interface ThroughputSample {
  t: number;
  stage: string;
  recordsPerSec: number;
}

/**
 * Live progress: one line per stage (records, records/s, quarantined, dead-lettered, lag)
 * plus the trainer and the feeder. On a terminal the lines redraw in place, and every
 * stderr line (logs, notes) is printed above them instead of through them; elsewhere
 * (CI, pipes) a plain line is printed every few seconds.
 */
export class Progress {
  readonly samples: ThroughputSample[] = [];
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private multibar: cliProgress.MultiBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = new Map<string, { t: number; n: number }>();
  private lastPlain = 0;
  private undivert: (() => void) | undefined;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly feeder: Feeder,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    if (this.out.isTTY) {
      this.multibar = new cliProgress.MultiBar(
        { format: ' {name} | {value} rec | {rate}/s | {detail}', hideCursor: true, clearOnComplete: false, stopOnComplete: false, barsize: 0, stream: this.out, fps: 5 },
        cliProgress.Presets.shades_grey,
      );
      this.undivert = divertStderrLines((line) => this.log(line.replace(/\n$/, '')));
    }
    this.timer = setInterval(() => this.tick(), 1_000);
  }

  /** A line above the bars (model versions as they are published). */
  log(line: string): void {
    if (this.multibar) this.multibar.log(`${line}\n`);
    else this.out.write(`${line}\n`);
  }

  /** Draws the last frame and hands stderr back; safe to call twice. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.tick();
    // the bars print lines they hold only when they redraw: once more, or the last ones are lost
    this.multibar?.update();
    this.multibar?.stop();
    this.undivert?.();
  }

  private rate(name: string, n: number, now: number): number {
    const prev = this.last.get(name);
    this.last.set(name, { t: now, n });
    if (!prev || now <= prev.t) return 0;
    return Math.round(((n - prev.n) * 1000) / (now - prev.t));
  }

  private tick(): void {
    const now = Date.now();
    const { stages, trainers } = this.pipeline.progress();
    const rows: Array<{ name: string; value: number; rate: number; detail: string }> = [];
    const feedRate = this.rate('produce', this.feeder.produced, now);
    rows.push({ name: 'produce', value: this.feeder.produced, rate: feedRate, detail: `rejected ${this.feeder.rejected}` });
    for (const s of stages) {
      const rate = this.rate(s.stage, s.session.in, now);
      this.samples.push({ t: now, stage: s.stage, recordsPerSec: rate });
      rows.push({ name: s.stage, value: s.session.in, rate, detail: `out ${s.session.out + s.session.generated} · quarantined ${s.session.quarantined} · dead-lettered ${s.session.deadLettered} · duplicates ${s.session.duplicates} · lag ${s.lag}` });
    }
    for (const t of trainers) {
      const rate = this.rate(t.stage, t.session.in, now);
      this.samples.push({ t: now, stage: t.stage, recordsPerSec: rate });
      const acc = t.lastVersion?.metrics.holdoutAccuracy;
      rows.push({ name: t.stage, value: t.session.in, rate, detail: `model ${t.model} v${t.lastVersion?.version ?? '-'}${acc != null ? ` holdout ${(acc * 100).toFixed(1)}%` : ''} · published ${t.published} · rejected ${t.rejected} · ${t.backend} · lag ${t.lag}` });
    }
    if (this.multibar) {
      for (const row of rows) {
        const name = row.name.padEnd(8);
        let bar = this.bars.get(row.name);
        if (!bar) {
          bar = this.multibar.create(0, 0, { name, rate: 0, detail: '' });
          this.bars.set(row.name, bar);
        }
        bar.setTotal(row.value);
        bar.update(row.value, { name, rate: row.rate, detail: row.detail });
      }
    } else if (now - this.lastPlain >= 5_000) {
      this.lastPlain = now;
      this.out.write(`${rows.map((r) => `${r.name} ${r.value} (${r.rate}/s)`).join(' | ')}\n`);
    }
  }
}
