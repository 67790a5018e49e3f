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
import { LoadError } from '../errors.js';
import { classifyTransportError, transportErrorText } from './classify.js';
import { watchGenerator } from './generator.js';
import type { PreparedRequest } from './mix.js';
import { LoadRecorder } from './recorder.js';
import type { LoadMeasurement, LoadModel, LoadOptions } from './types.js';
import { fixedWorkload, headerReader, type CheckedResponse, type WorkloadRequest } from './workload.js';
import { checkedAnswer, Exchange } from './http1/connection.js';
import { netTransport, type PoolStats } from './http1/pool.js';
import { undiciTransport } from './undici.js';

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
 * One arrival on its way: what the transport fills in as the answer comes (status, bytes, the
 * head and the first body bytes a check reads), and how to give it up.
 */
export class Flight extends Exchange {
  /** When the arrival was handed to the transport: its timeout runs from here. */
  readonly createdMs = performance.now();
  settled = false;
  bytes = 0;
  /** Headers as undici parsed them (the undici transport); the net transport keeps `headText`. */
  headers: Record<string, string | string[] | undefined> | undefined;
  /** Set by the transport while the request is on a connection: what closes it when the request is given up. */
  carrier: { giveUp(flight: Flight): void } | undefined;
  /** The transport's own note of where the request is (its connection). */
  slot: unknown;
  /** The request's bytes while it waits for a free connection (perfgate's transport). */
  wire: Buffer | undefined;
  /** Its neighbours in the list of requests in flight (InFlight), in send order. */
  older: Flight | undefined;
  newer: Flight | undefined;

  constructor(
    readonly intendedMs: number,
    request: WorkloadRequest,
    method: string,
  ) {
    super(request, method);
    // Until it is written to a connection (after a wait for a free one, if any).
    this.sentMs = this.createdMs;
  }

  /** What the request's check reads of the answer (built only for a request with a check). */
  checked(): CheckedResponse {
    const answer = checkedAnswer(this);
    return this.headers ? { ...answer, headers: headerReader(this.headers) } : answer;
  }
}

/** What carries the open model's requests: perfgate's own connections, or undici's pool. */
export interface Transport {
  /** Sends `request` for `flight`; the transport calls back once with the answer or the error. */
  dispatch(flight: Flight, request: PreparedRequest): void;
  close(): Promise<void>;
  /** How the connection pool fared (perfgate's transport; undici does not tell). */
  stats?(): PoolStats;
}

export type TransportDone = (flight: Flight, error?: NodeJS.ErrnoException) => void;

/**
 * The requests in flight, in send order. undici's headers and body timeouts are idle timeouts: a
 * server that trickles a byte now and then never trips them, and such requests were dropped when
 * the run drained (30 of 60 recorded, 0 errors: issue 15, case 7). Here a request not complete
 * within `timeout` of being sent is a timeout, found by a sweep over the oldest requests, and what
 * is still open when the drain ends is a timeout too, never a silent drop.
 *
 * A list threaded through the flights themselves rather than a Set: a Set's add and delete per
 * request, and the tables it reallocates as it churns, showed in `perf` at 110,000/s (garbage
 * collection was 4.6 % of the samples, 0.5 % after: bench/README.md); linking two fields
 * allocates nothing.
 */
class InFlight {
  private oldest: Flight | undefined;
  private newest: Flight | undefined;
  private count = 0;
  private readonly sweeper: NodeJS.Timeout;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (flight: Flight) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(100, timeoutMs / 4));
  }

  get size(): number {
    return this.count;
  }

  add(flight: Flight): void {
    flight.older = this.newest;
    if (this.newest) this.newest.newer = flight;
    else this.oldest = flight;
    this.newest = flight;
    this.count++;
  }

  /** Marks the request answered (or failed); false when it was already settled (timed out). */
  settle(flight: Flight): boolean {
    if (flight.settled) return false;
    flight.settled = true;
    const { older, newer } = flight;
    if (older) older.newer = newer;
    else this.oldest = newer;
    if (newer) newer.older = older;
    else this.newest = older;
    flight.older = flight.newer = undefined;
    this.count--;
    if (this.count === 0) this.onIdle?.();
    return true;
  }

  /** Waits (bounded by the timeout) for the requests in flight to finish; answers at once when interrupted. */
  async drain(interrupted: boolean): Promise<void> {
    if (this.count > 0 && !interrupted) {
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
    // expire() settles the flight, which takes it off the list.
    for (let flight = this.oldest; flight; flight = this.oldest) this.expire(flight, count);
  }

  private sweep(): void {
    const now = performance.now();
    for (let flight = this.oldest; flight; flight = this.oldest) {
      if (now - flight.createdMs < this.timeoutMs) break;
      this.expire(flight, true);
    }
  }

  private expire(flight: Flight, count: boolean): void {
    this.settle(flight);
    if (count) this.onTimeout(flight);
    flight.carrier?.giveUp(flight);
  }
}

export async function runOpenModel(
  options: LoadOptions,
  model: Extract<LoadModel, { kind: 'open' }>,
  engine: 'perfgate' | 'undici' = 'perfgate',
): Promise<LoadMeasurement> {
  const { rate, maxInFlight, maxConnections } = model;
  const workload = options.workload ?? fixedWorkload(options.requests);
  const { cycle } = workload;
  if (cycle.length === 0) throw new LoadError('the profile has no requests to send');
  // The open model has no connections of its own: one user state for the run (data rows are drawn per request).
  const user = workload.newUser();
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

  const done: TransportDone = (flight, error) => {
    if (!inFlight.settle(flight)) return;
    const { endpoint, check } = flight.request;
    // Open model: a request belongs to the window its arrival was scheduled in.
    if (error) recorder.failure(flight.intendedMs, classifyTransportError(error), transportErrorText(error), endpoint);
    else {
      const late = flight.sentMs - flight.intendedMs > TIMER_SLACK_MS;
      const latencyMs = performance.now() - (late ? flight.intendedMs : flight.sentMs);
      const failed = check?.evaluate(flight.checked());
      recorder.response(flight.intendedMs, latencyMs, flight.status, flight.bytes, endpoint, failed);
    }
  };
  let transport: Transport;
  try {
    transport =
      engine === 'undici'
        ? undiciTransport(options.baseUrl, maxConnections, options.timeoutMs, done)
        : netTransport(options.baseUrl, maxConnections, done);
  } catch (e) {
    generator.stop();
    throw new LoadError(`could not start the load on ${options.baseUrl}: ${(e as Error).message}`);
  }
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
    const flight = new Flight(intendedMs, entry, request.method);
    inFlight.add(flight);
    transport.dispatch(flight, request);
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
  await transport.close();
  const measurement = summarize(recorder, endMs, dropped, maxInFlight, options);
  const pool = transport.stats?.();
  return {
    startedAt,
    ...measurement,
    generator: { ...generator.stop(), engine, ...(pool && { connections: pool }) },
  };
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
