/**
 * Collects what a load run measures, for both load models: every latency in µs into an HDR
 * histogram (autocannon's own histogram stores whole milliseconds, so sub-ms servers would show
 * p50 = 0), errors by class and status, bytes, and one small histogram per second for the timeline.
 * Events before the end of warmup only feed the progress line; they never reach the statistics.
 */
import * as hdr from 'hdr-histogram-js';
import {
  emptyErrorClasses,
  type EndpointResult,
  type ErrorClass,
  type Latency,
  type TimelinePoint,
} from '../model/result.js';
import { classifyStatus } from './classify.js';
import type { LoadMeasurement } from './types.js';
import { detectDegradation } from './degradation.js';

/**
 * 1 µs to 1 hour, 3 significant digits: 0.1 % resolution at any latency. The library's
 * WebAssembly build: it records a value in ~13 ns against ~60 ns for the JavaScript one
 * (bench/histogram-record.ts; the JavaScript one's Math.pow and Math.log2 per value showed in
 * `perf`), and every response is recorded twice (its second, the profile). Its memory lives
 * outside the JavaScript heap, so each histogram is destroyed by hand (`LoadRecorder.finish`),
 * or when its recorder is collected.
 */
const newHistogram = (digits: 2 | 3 = 3): hdr.Histogram => {
  hdr.initWebAssemblySync();
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: digits,
    // 32-bit buckets for the per-second histograms too: the packed layout saved ~10 KB a second
    // but cost ~5 % of the client's CPU per request (bench/README.md, load engine); a 10-minute
    // run's 600 seconds take ~8 MB.
    bitBucketSize: 32,
    useWebAssembly: true,
  });
};

/** Frees the histograms of a recorder that was dropped without finishing (a run that threw). */
const unfinished = new FinalizationRegistry((histograms: hdr.Histogram[]) => {
  for (const h of histograms) h.destroy();
});

const MAX_ERROR_SAMPLES = 10;

interface Second {
  histogram: hdr.Histogram;
  /** Attempts that ended in the second: answered or not. */
  count: number;
  /** Of them, those the SUT answered (any status): the second's throughput. */
  answered: number;
  errors: number;
}

export interface SecondReport {
  t: number;
  rps: number;
  p99: number;
  errors: number;
  inWarmup: boolean;
}

/**
 * The books of one set of requests over the measured window: a profile's, or one endpoint's.
 * Counts add up: total = ok + errors, and errors = the sum over classes.
 */
class Tally {
  readonly histogram: hdr.Histogram;
  readonly byClass = emptyErrorClasses();
  readonly byStatus: Record<string, number> = {};
  readonly samples = new Set<string>();
  ok = 0;
  errors = 0;
  /** Requests the SUT answered, whatever the status: what throughput counts. */
  answered = 0;
  bytes = 0;
  sum = 0;
  sumSquares = 0;

  constructor(histograms: hdr.Histogram[]) {
    this.histogram = newHistogram();
    histograms.push(this.histogram);
  }

  response(us: number, latencyMs: number, status: number, bytes: number, errorClass: ErrorClass | undefined): void {
    this.histogram.recordValue(us);
    this.answered++;
    this.sum += latencyMs;
    this.sumSquares += latencyMs * latencyMs;
    this.bytes += bytes;
    if (errorClass) {
      this.errors++;
      this.byClass[errorClass]++;
      // By status: the HTTP errors only (a failed check's 200 is not an error status).
      if (errorClass !== 'check') this.byStatus[String(status)] = (this.byStatus[String(status)] ?? 0) + 1;
    } else {
      this.ok++;
    }
  }

  failure(errorClass: ErrorClass): void {
    this.errors++;
    this.byClass[errorClass]++;
  }

  sample(text: string): void {
    if (this.samples.size < MAX_ERROR_SAMPLES) this.samples.add(text.slice(0, 200));
  }

  latency(): Latency {
    const count = this.histogram.totalCount;
    const mean = count ? this.sum / count : 0;
    const stdev = count > 1 ? Math.sqrt(Math.max(0, (this.sumSquares - count * mean * mean) / (count - 1))) : 0;
    const pct = (p: number) => (count ? this.histogram.getValueAtPercentile(p) / 1000 : 0);
    return {
      min: count ? this.histogram.minNonZeroValue / 1000 : 0,
      mean,
      stdev,
      p50: pct(50),
      p90: pct(90),
      p95: pct(95),
      p99: pct(99),
      p999: pct(99.9),
      max: count ? this.histogram.maxValue / 1000 : 0,
    };
  }

  /** The counts, rates and latency over a window of `durationMs`. */
  summary(durationMs: number): Omit<EndpointResult, 'name' | 'method' | 'path'> {
    const total = this.ok + this.errors;
    return {
      requests: { total, ok: this.ok },
      errors: {
        total: this.errors,
        byClass: { ...this.byClass },
        byStatus: { ...this.byStatus },
        samples: [...this.samples],
      },
      // Answers per second: attempts that got no answer (refused, reset, timed out, EMFILE) are
      // errors, not throughput. Counting them read an open model that collapsed at 16,000/s,
      // its sockets exhausted, as 16,000 req/s, the rate it offered (issue 17).
      throughput: { rps: this.answered / (durationMs / 1000), bytesPerSec: this.bytes / (durationMs / 1000) },
      latency: this.latency(),
      ...(this.histogram.totalCount ? { histogram: hdr.encodeIntoCompressedBase64(this.histogram) } : {}),
    };
  }
}

/** An endpoint's identity in the results: its request name, method and path as written (templates unrendered). */
export type EndpointKey = Pick<EndpointResult, 'name' | 'method' | 'path'>;

export class LoadRecorder {
  /** Every histogram this recorder made, to destroy once it is done. */
  private readonly histograms: hdr.Histogram[] = [];
  private readonly all = new Tally(this.histograms);
  private readonly endpoints: Tally[];
  /** finish() ran: the histograms are gone, and later events (a straggling answer) are ignored. */
  private finished = false;
  private readonly seconds: Second[] = [];
  private readonly warmSeconds: Second[] = [];
  private lastReportedSecond = -1;

  /**
   * @param startMs  performance.now() when load began
   * @param warmupMs length of the warmup: events before startMs + warmupMs are not measured
   * @param endpointKeys the endpoints, by the index that response() and failure() are given
   */
  constructor(
    readonly startMs: number,
    readonly warmupMs: number,
    private readonly onSecond?: (s: SecondReport) => void,
    private readonly endpointKeys: readonly EndpointKey[] = [],
  ) {
    // One endpoint's books are the profile's: kept once (a histogram record per response less).
    this.endpoints = endpointKeys.length === 1 ? [this.all] : endpointKeys.map(() => new Tally(this.histograms));
    unfinished.register(this, this.histograms, this);
  }

  get windowStartMs(): number {
    return this.startMs + this.warmupMs;
  }

  /**
   * A response (any status) that took `latencyMs`; `atMs` decides the second it belongs to. A
   * `checkFailure` makes an answered request an error of class `check` (with that text as sample).
   */
  response(atMs: number, latencyMs: number, status: number, bytes: number, endpoint = 0, checkFailure?: string): void {
    if (this.finished) return;
    const errorClass = classifyStatus(status) ?? (checkFailure === undefined ? undefined : 'check');
    const second = this.secondAt(atMs);
    const us = Math.max(1, Math.round(latencyMs * 1000));
    second.histogram.recordValue(us);
    second.count++;
    second.answered++;
    if (errorClass) second.errors++;
    if (atMs < this.windowStartMs) return;
    this.all.response(us, latencyMs, status, bytes, errorClass);
    const tally = this.endpoints[endpoint];
    if (tally !== this.all) tally?.response(us, latencyMs, status, bytes, errorClass);
    if (errorClass) this.sample(endpoint, errorClass === 'check' ? `check: ${checkFailure}` : `HTTP ${status}`);
  }

  /** A request that got no response (refused, reset, timed out…). */
  failure(atMs: number, errorClass: ErrorClass, message: string, endpoint = 0): void {
    if (this.finished) return;
    const second = this.secondAt(atMs);
    second.count++;
    second.errors++;
    if (atMs < this.windowStartMs) return;
    this.all.failure(errorClass);
    const tally = this.endpoints[endpoint];
    if (tally !== this.all) tally?.failure(errorClass);
    this.sample(endpoint, `${errorClass}: ${message}`);
  }

  /** An example failure, kept by its endpoint and by the profile (which names the endpoint when it has several). */
  private sample(endpoint: number, text: string): void {
    this.all.sample(this.endpointKeys.length > 1 ? `${this.endpointKeys[endpoint]?.name}: ${text}` : text);
    if (this.endpoints[endpoint] !== this.all) this.endpoints[endpoint]?.sample(text);
  }

  /** Reports every whole second that ended before `nowMs` (call about once a second). */
  tick(nowMs: number): void {
    if (!this.onSecond || this.finished) return;
    const warmupSeconds = Math.ceil(this.warmupMs / 1000);
    const elapsed = Math.floor((nowMs - this.startMs) / 1000);
    for (let s = this.lastReportedSecond + 1; s < elapsed; s++) {
      const inWarmup = s < warmupSeconds;
      const sec = inWarmup ? this.warmSeconds[s] : this.seconds[s - warmupSeconds];
      this.onSecond({
        t: s - warmupSeconds,
        rps: sec?.answered ?? 0,
        p99: sec?.answered ? sec.histogram.getValueAtPercentile(99) / 1000 : 0,
        errors: sec?.errors ?? 0,
        inWarmup,
      });
      this.lastReportedSecond = s;
    }
  }

  /** The measurement over [windowStart, endMs). Once: it frees the recorder's histograms. */
  finish(
    endMs: number,
    dropped = 0,
    options: { secondHistograms?: boolean } = {},
  ): Omit<LoadMeasurement, 'generator' | 'startedAt'> {
    if (this.finished) throw new Error('a load recorder finishes once: its histograms are freed');
    const durationMs = Math.max(1, endMs - this.windowStartMs);
    const { requests, ...all } = this.all.summary(durationMs);
    const fullSeconds = Math.floor(durationMs / 1000 + 0.05);
    const timeline: TimelinePoint[] = [];
    for (let i = 0; i < Math.max(fullSeconds, this.seconds.length); i++) {
      const s = this.seconds[i];
      // A trailing partial second would show a false drop in throughput: leave it out.
      if (i >= fullSeconds) break;
      timeline.push({
        t: i,
        rps: s?.answered ?? 0,
        p50: s?.answered ? s.histogram.getValueAtPercentile(50) / 1000 : 0,
        p99: s?.answered ? s.histogram.getValueAtPercentile(99) / 1000 : 0,
        errors: s?.errors ?? 0,
        ...(options.secondHistograms && s?.answered ? { histogram: hdr.encodeIntoCompressedBase64(s.histogram) } : {}),
      });
    }
    const degradation = detectDegradation(timeline);
    const endpoints = this.endpointKeys.map((key, i) => ({
      ...key,
      ...(this.endpoints[i] as Tally).summary(durationMs),
    }));
    this.finished = true;
    unfinished.unregister(this);
    for (const h of this.histograms) h.destroy();
    return {
      durationSec: durationMs / 1000,
      warmupSec: this.warmupMs / 1000,
      requests: { ...requests, dropped },
      ...all,
      timeline,
      ...(degradation ? { degradation } : {}),
      ...(endpoints.length ? { endpoints } : {}),
    };
  }

  private secondAt(atMs: number): Second {
    const warm = atMs < this.windowStartMs;
    const list = warm ? this.warmSeconds : this.seconds;
    const i = Math.max(0, Math.floor((atMs - (warm ? this.startMs : this.windowStartMs)) / 1000));
    for (let k = list.length; k <= i; k++) {
      const histogram = newHistogram(2);
      this.histograms.push(histogram);
      list[k] = { histogram, count: 0, answered: 0, errors: 0 };
    }
    return list[i] as Second;
  }
}
