/**
 * Open model: requests arrive on a fixed schedule (every 1/rate s) whatever the server does, so a
 * slow server builds a queue that the latencies show (no coordinated omission). autocannon's
 * `overallRate` sends a burst at the start of each second, which is not this; hence a scheduler
 * of our own over undici's connection pool (the fastest maintained HTTP/1.1 client for Node).
 *
 * Latency runs from the intended arrival time whenever the scheduler is late by more than a timer
 * tick (its event loop was blocked, or all `maxInFlight` slots were busy): that wait is what a
 * real user would have seen. Lateness within a tick (setTimeout's 1 ms granularity) is the
 * generator's, not the server's, and is not charged to the server.
 */
import { Pool } from 'undici';
import { LoadError } from '../errors.js';
import { classifyTransportError } from './classify.js';
import { watchGenerator } from './generator.js';
import { prepareRequest, weightedCycle, type PreparedRequest } from './mix.js';
import { LoadRecorder } from './recorder.js';
import type { LoadMeasurement, LoadOptions } from './types.js';

/** Lateness the timer itself causes; beyond it, latency counts from the intended time. */
const TIMER_SLACK_MS = 2;
/** Beyond the request timeout, how long to wait for requests still in flight when the window closes. */
const DRAIN_SLACK_MS = 500;

export async function runOpenModel(options: LoadOptions, rate: number, maxInFlight: number): Promise<LoadMeasurement> {
  const cycle = weightedCycle(options.requests).map(prepareRequest);
  if (cycle.length === 0) throw new LoadError('the profile has no requests to send');
  const base = new URL(options.baseUrl);
  const pathPrefix = base.pathname.replace(/\/$/, '');
  const pool = createPool(base, maxInFlight, options.timeoutMs);
  const startedAt = new Date().toISOString();
  const generator = watchGenerator();
  const t0 = performance.now();
  const recorder = new LoadRecorder(t0, options.warmupMs, options.onSecond);
  const totalMs = options.warmupMs + options.durationMs;
  const intervalMs = 1000 / rate;
  const inflight = new Set<Promise<void>>();
  let sent = 0;
  let dropped = 0;
  let endMs = t0 + totalMs;
  let closed = false;

  const send = (request: PreparedRequest, intendedMs: number) => {
    const now = performance.now();
    const startMs = now - intendedMs > TIMER_SLACK_MS ? intendedMs : now;
    const p = pool
      .request({
        method: request.method as 'GET',
        path: pathPrefix + request.path,
        headers: request.headers,
        body: request.body ?? null,
      })
      .then(async (res) => {
        let bytes = 0;
        for await (const chunk of res.body) bytes += (chunk as Buffer).length;
        const end = performance.now();
        if (closed) return;
        // Open model: a request belongs to the window its arrival was scheduled in.
        recorder.response(intendedMs, end - startMs, res.statusCode, bytes);
      })
      .catch((e: NodeJS.ErrnoException) => {
        if (!closed) recorder.failure(intendedMs, classifyTransportError(e), e.code ?? e.message);
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      endMs = Math.min(endMs, performance.now());
      finish();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) return onAbort();
    const tick = () => {
      const now = performance.now();
      recorder.tick(now);
      // Catch up on every arrival that is due: a late timer sends them at once, stamped with
      // their intended times, so the delay shows in the latency instead of vanishing.
      for (;;) {
        const intended = t0 + sent * intervalMs;
        if (intended > now || intended - t0 >= totalMs) break;
        const request = cycle[sent % cycle.length] as PreparedRequest;
        sent++;
        if (inflight.size >= maxInFlight) {
          if (intended >= recorder.windowStartMs) dropped++;
          continue;
        }
        send(request, intended);
      }
      const next = t0 + sent * intervalMs;
      if (next - t0 >= totalMs) return finish();
      timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  });

  await drainInFlight(inflight, options);
  closed = true;
  await pool.destroy().catch(() => {});
  const measurement = summarize(recorder, endMs, dropped, maxInFlight, options);
  return { startedAt, ...measurement, generator: generator.stop() };
}

/** One connection per in-flight slot, each request alone on its socket (no pipelining). */
function createPool(base: URL, maxInFlight: number, timeoutMs: number): Pool {
  return new Pool(base.origin, {
    connections: maxInFlight,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
    keepAliveTimeout: 30_000,
  });
}

/**
 * Let requests that arrived inside the window finish (bounded), so slow tails are not cut off.
 * Interrupted runs do not wait. Requests still open after their timeout have been counted as timeouts.
 */
async function drainInFlight(inflight: Set<Promise<void>>, options: LoadOptions): Promise<void> {
  const drainMs = options.signal?.aborted ? 0 : options.timeoutMs + DRAIN_SLACK_MS;
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => (drainTimer = setTimeout(r, drainMs)))]);
  clearTimeout(drainTimer);
}

/** The window's measurement up to endMs: earlier when the run was interrupted, never before the window opened. */
function summarize(
  recorder: LoadRecorder,
  endMs: number,
  dropped: number,
  maxInFlight: number,
  options: LoadOptions,
): Omit<LoadMeasurement, 'generator' | 'startedAt'> {
  const measurement = recorder.finish(Math.max(endMs, recorder.windowStartMs), dropped, {
    secondHistograms: options.secondHistograms ?? false,
  });
  if (dropped > 0)
    measurement.errors.samples.push(
      `${dropped} arrivals dropped: ${maxInFlight} requests (maxInFlight) were already in flight`,
    );
  return measurement;
}
