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
import { Pool, type Dispatcher } from 'undici';
import { LoadError } from '../errors.js';
import { classifyTransportError } from './classify.js';
import { watchGenerator } from './generator.js';
import type { PreparedRequest } from './mix.js';
import { LoadRecorder } from './recorder.js';
import type { LoadMeasurement, LoadOptions } from './types.js';
import { fixedWorkload, headerReader, type CheckedResponse, type WorkloadRequest } from './workload.js';

/** Lateness the timer itself causes; beyond it, latency counts from the intended time. */
const TIMER_SLACK_MS = 2;
/** Beyond the request timeout, how long to wait for requests still in flight when the window closes. */
const DRAIN_SLACK_MS = 500;
/**
 * Most requests sent in one turn of the scheduler. A late timer at a high rate has many arrivals
 * due; sending them in turns lets the event loop run in between (signals, timers, responses):
 * `rate: 1e12` once spun in this loop deaf to SIGTERM (issue 15, case 10).
 */
const MAX_SENDS_PER_TURN = 2_000;

/**
 * One request on its way, and undici's handler for it: the low-level `dispatch` API, without the
 * Readable body stream and the AbortController that `pool.request` would need per request
 * (measured: a signal per request cost ~50 % more client CPU per request). The body is counted,
 * and kept only as far as the request's check reads it. `controller` arrives when the request is written to a socket; a request given up
 * before that is aborted as soon as it starts.
 */
class Flight implements Dispatcher.DispatchHandler {
  readonly sentMs = performance.now();
  settled = false;
  private controller: Dispatcher.DispatchController | undefined;
  status = 0;
  bytes = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private kept: Buffer[] | undefined;
  private keptBytes = 0;

  constructor(
    readonly intendedMs: number,
    readonly request: WorkloadRequest,
    private readonly done: (flight: Flight, error?: NodeJS.ErrnoException) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('given up'));
  }
  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    if (this.request.check) this.headers = headers;
  }
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    // Kept only as far as the request's check reads (bounded); otherwise counted only.
    const limit = this.request.check?.bodyLimit ?? 0;
    if (this.keptBytes < limit) {
      (this.kept ??= []).push(chunk.subarray(0, limit - this.keptBytes));
      this.keptBytes += Math.min(chunk.length, limit - this.keptBytes);
    }
  }
  onResponseEnd(): void {
    this.done(this);
  }
  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    this.done(this, error);
  }
  abort(): void {
    if (this.controller && !this.controller.aborted) this.controller.abort(new Error('given up'));
  }
  /** What the request's check reads of the answer (built only for a request with a check). */
  checked(): CheckedResponse {
    return {
      status: this.status,
      headers: headerReader(this.headers),
      body: this.kept && Buffer.concat(this.kept),
      bodyBytes: this.bytes,
    };
  }
}

/**
 * The requests in flight, in send order. undici's headers and body timeouts are idle timeouts: a
 * server that trickles a byte now and then never trips them, and such requests were dropped when
 * the run drained (30 of 60 recorded, 0 errors: issue 15, case 7). Here a request not complete
 * within `timeout` of being sent is a timeout, found by a sweep over the oldest requests, and what
 * is still open when the drain ends is a timeout too, never a silent drop.
 */
class InFlight {
  private readonly flights = new Set<Flight>();
  private readonly sweeper: NodeJS.Timeout;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (flight: Flight) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(100, timeoutMs / 4));
  }

  get size(): number {
    return this.flights.size;
  }

  add(flight: Flight): void {
    this.flights.add(flight);
  }

  /** Marks the request answered (or failed); false when it was already settled (timed out). */
  settle(flight: Flight): boolean {
    if (flight.settled) return false;
    flight.settled = true;
    this.flights.delete(flight);
    if (this.flights.size === 0) this.onIdle?.();
    return true;
  }

  /** Waits (bounded by the timeout) for the requests in flight to finish; answers at once when interrupted. */
  async drain(interrupted: boolean): Promise<void> {
    if (this.flights.size > 0 && !interrupted) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onIdle = resolve;
        timer = setTimeout(resolve, this.timeoutMs + DRAIN_SLACK_MS);
      });
      clearTimeout(timer);
    }
    clearInterval(this.sweeper);
  }

  /** Gives up on every request still open; `count` says whether each is a timeout or not measured (interrupted). */
  abandon(count: boolean): void {
    for (const flight of [...this.flights]) this.expire(flight, count);
  }

  private sweep(): void {
    const now = performance.now();
    for (const flight of this.flights) {
      if (now - flight.sentMs < this.timeoutMs) break;
      this.expire(flight, true);
    }
  }

  private expire(flight: Flight, count: boolean): void {
    this.settle(flight);
    if (count) this.onTimeout(flight);
    flight.abort();
  }
}

export async function runOpenModel(options: LoadOptions, rate: number, maxInFlight: number): Promise<LoadMeasurement> {
  const workload = options.workload ?? fixedWorkload(options.requests);
  const { cycle } = workload;
  if (cycle.length === 0) throw new LoadError('the profile has no requests to send');
  // The open model has no connections of its own: one user state for the run (data rows are drawn per request).
  const user = workload.newUser();
  const base = new URL(options.baseUrl);
  const pathPrefix = base.pathname.replace(/\/$/, '');
  const pool = createPool(base, maxInFlight, options.timeoutMs);
  const startedAt = new Date().toISOString();
  const generator = watchGenerator();
  const t0 = performance.now();
  const recorder = new LoadRecorder(t0, options.warmupMs, options.onSecond, workload.endpoints);
  const inFlight = new InFlight(options.timeoutMs, (flight) =>
    recorder.failure(
      flight.intendedMs,
      'timeout',
      `no complete answer within ${options.timeoutMs} ms`,
      flight.request.endpoint,
    ),
  );

  const done = (flight: Flight, error?: NodeJS.ErrnoException) => {
    if (!inFlight.settle(flight)) return;
    const { endpoint, check } = flight.request;
    // Open model: a request belongs to the window its arrival was scheduled in.
    if (error)
      recorder.failure(flight.intendedMs, classifyTransportError(error), error.code ?? error.message, endpoint);
    else {
      const late = flight.sentMs - flight.intendedMs > TIMER_SLACK_MS;
      const latencyMs = performance.now() - (late ? flight.intendedMs : flight.sentMs);
      const failed = check?.evaluate(flight.checked());
      recorder.response(flight.intendedMs, latencyMs, flight.status, flight.bytes, endpoint, failed);
    }
  };
  /** Sends arrival `i`; false when the workload has nothing more to send (its data ran out). */
  const send = (i: number, intendedMs: number): boolean => {
    const entry = cycle[i % cycle.length] as WorkloadRequest;
    let request: PreparedRequest | undefined;
    try {
      request = entry.fixed ?? entry.render(user);
    } catch (e) {
      // A value that cannot be sent (a header value with a line break): an error of this request.
      recorder.failure(intendedMs, 'other', (e as Error).message, entry.endpoint);
      return true;
    }
    if (!request) return false;
    const flight = new Flight(intendedMs, entry, done);
    inFlight.add(flight);
    pool.dispatch(
      {
        method: request.method as 'GET',
        path: pathPrefix + request.path,
        headers: request.headers,
        body: request.body ?? null,
      },
      flight,
    );
    return true;
  };

  const { endMs, dropped } = await schedule(
    { t0, rate, totalMs: options.warmupMs + options.durationMs, warmupMs: options.warmupMs, maxInFlight },
    {
      signal: options.signal,
      inFlight: () => inFlight.size,
      send,
      tick: (now) => recorder.tick(now),
    },
  );
  const interrupted = options.signal?.aborted ?? false;
  await inFlight.drain(interrupted);
  inFlight.abandon(!interrupted);
  await pool.destroy().catch(() => {});
  const measurement = summarize(recorder, endMs, dropped, maxInFlight, options);
  return { startedAt, ...measurement, generator: generator.stop() };
}

interface Schedule {
  t0: number;
  rate: number;
  totalMs: number;
  warmupMs: number;
  maxInFlight: number;
}

interface ScheduleHooks {
  signal?: AbortSignal | undefined;
  inFlight: () => number;
  /** Sends arrival number `i`, due at `intendedMs`; false ends the schedule (nothing more to send). */
  send: (i: number, intendedMs: number) => boolean;
  tick: (now: number) => void;
}

/**
 * Sends arrival i at t0 + i/rate until the run's end (or an abort). Every arrival that is due goes
 * out at once, stamped with its intended time, so a late timer's delay shows in the latency
 * instead of vanishing; arrivals that find maxInFlight requests outstanding are dropped, counted
 * in O(1) however many. Answers when the schedule ended and how many in-window arrivals it dropped.
 */
function schedule(s: Schedule, hooks: ScheduleHooks): Promise<{ endMs: number; dropped: number }> {
  const intervalMs = 1000 / s.rate;
  /** Arrivals in the whole run (warmup and window): those at t0 + i·interval < t0 + totalMs. */
  const arrivals = Math.ceil(s.totalMs / intervalMs);
  const firstInWindow = Math.ceil(s.warmupMs / intervalMs);
  let sent = 0;
  let dropped = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (endMs: number) => {
      clearTimeout(timer);
      hooks.signal?.removeEventListener('abort', onAbort);
      resolve({ endMs, dropped });
    };
    const onAbort = () => finish(Math.min(s.t0 + s.totalMs, performance.now()));
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    if (hooks.signal?.aborted) return onAbort();
    const tick = () => {
      const now = performance.now();
      hooks.tick(now);
      const due = Math.min(arrivals, Math.floor((now - s.t0) / intervalMs) + 1);
      const sendable = Math.min(due, sent + MAX_SENDS_PER_TURN);
      while (sent < sendable && hooks.inFlight() < s.maxInFlight) {
        if (!hooks.send(sent, s.t0 + sent * intervalMs)) return finish(Math.max(now, s.t0 + s.warmupMs));
        sent++;
      }
      if (sent < due && hooks.inFlight() >= s.maxInFlight) {
        dropped += Math.max(0, due - Math.max(sent, firstInWindow));
        sent = due;
      }
      if (sent >= arrivals) return finish(s.t0 + s.totalMs);
      const wait = sent < due ? 0 : s.t0 + sent * intervalMs - performance.now();
      timer = setTimeout(tick, Math.max(0, wait));
    };
    tick();
  });
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
