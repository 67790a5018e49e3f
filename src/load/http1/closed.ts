/**
 * Closed model on perfgate's own HTTP/1.1 connections: `connections` virtual users, each sending
 * its next request as soon as the last one is answered (or keeping `pipelining` outstanding).
 * Each user owns one connection and its own state (variables, data row) for the whole run.
 *
 * What the server does to a connection is counted the way a user would see it: an answer that
 * announced `Connection: close` ends the connection and the user reconnects, and requests it had
 * already pipelined behind that answer were never accepted, so they are not errors; a connection
 * closed or reset with requests unanswered counts each as a `reset` (or the socket's error); a
 * request not answered within the timeout is a `timeout`, and its connection is replaced.
 */
import { LoadError } from '../../errors.js';
import { classifyTransportError, transportErrorText } from '../classify.js';
import { watchGenerator } from '../generator.js';
import type { PreparedRequest } from '../mix.js';
import { LoadRecorder } from '../recorder.js';
import type { LoadMeasurement, LoadOptions } from '../types.js';
import { fixedWorkload, type UserState, type Workload, type WorkloadRequest } from '../workload.js';
import { checkedAnswer, Connection, Exchange, targetOf, type Target } from './connection.js';
import { requestBytes } from './request.js';

interface User {
  state: UserState;
  connection: Connection<Exchange> | undefined;
  /** Position in the workload's cycle. */
  next: number;
}

export async function runNetClosedModel(options: LoadOptions, connections: number): Promise<LoadMeasurement> {
  const workload = options.workload ?? fixedWorkload(options.requests);
  if (workload.cycle.length === 0) throw new LoadError('the profile has no requests to send');
  let target: Target;
  try {
    target = targetOf(options.baseUrl);
  } catch (e) {
    throw new LoadError(`could not start the load on ${options.baseUrl}: ${(e as Error).message}`);
  }
  const startedAt = new Date().toISOString();
  const generator = watchGenerator();
  const run = new ClosedRun(options, workload, target, connections);
  const endMs = await run.done;
  return {
    startedAt,
    ...run.recorder.finish(Math.max(endMs, run.recorder.windowStartMs), 0, {
      secondHistograms: options.secondHistograms ?? false,
    }),
    generator: { ...generator.stop(), engine: 'perfgate' },
  };
}

/** One closed-model run: its users, their connections, and the books. Ends on its own clock, an abort, or exhausted data. */
class ClosedRun {
  readonly recorder: LoadRecorder;
  /** Resolves with performance.now() at the stop. */
  readonly done: Promise<number>;
  private readonly users: User[];
  private readonly pipelining: number;
  /** Requests that never vary, serialized once; the others are built per send. */
  private readonly prebuilt: (Buffer | Error | undefined)[];
  private stopped = false;
  private finish: (endMs: number) => void = () => {};
  private readonly timers: NodeJS.Timeout[];
  private readonly onAbort = () => this.stop();

  constructor(
    private readonly options: LoadOptions,
    private readonly workload: Workload,
    private readonly target: Target,
    connections: number,
  ) {
    this.pipelining = Math.max(1, options.pipelining ?? 1);
    this.prebuilt = workload.cycle.map((entry) => (entry.fixed ? bytesOrError(entry.fixed, target) : undefined));
    this.recorder = new LoadRecorder(performance.now(), options.warmupMs, options.onSecond, workload.endpoints);
    this.users = Array.from({ length: connections }, () => ({
      state: workload.newUser(),
      connection: undefined,
      next: 0,
    }));
    this.done = new Promise<number>((resolve) => (this.finish = resolve));
    this.timers = [
      setInterval(() => this.sweep(), Math.max(10, Math.min(100, options.timeoutMs / 4))),
      setInterval(() => this.recorder.tick(performance.now()), 1000),
      // A timer may fire a fraction of a millisecond early by performance.now(): the run ends at its planned time.
      setTimeout(
        () => this.stop(this.recorder.startMs + options.warmupMs + options.durationMs),
        options.warmupMs + options.durationMs,
      ),
    ];
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) this.stop();
    for (const user of this.users) this.connect(user);
  }

  stop(notBefore = 0): void {
    if (this.stopped) return;
    this.stopped = true;
    const endMs = Math.max(performance.now(), notBefore);
    // The last second's progress line: the ticker may not fire again before the run returns.
    this.recorder.tick(endMs);
    for (const user of this.users) user.connection?.destroy();
    for (const timer of this.timers) clearTimeout(timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.finish(endMs);
  }

  private connect(user: User): void {
    if (this.stopped) return;
    const connection = new Connection<Exchange>(this.target, {
      response: (c, exchange, bytes, keepAlive) => this.answered(user, c, exchange, bytes, keepAlive),
      closed: (_c, lost, error) => this.lost(user, lost, error),
    });
    user.connection = connection;
    this.fill(user, connection);
  }

  private answered(
    user: User,
    connection: Connection<Exchange>,
    exchange: Exchange,
    bytes: number,
    keepAlive: boolean,
  ): void {
    if (this.stopped) return;
    const now = performance.now();
    const { endpoint, check } = exchange.request;
    const failed = check?.evaluate(checkedAnswer(exchange));
    this.recorder.response(now, now - exchange.sentMs, exchange.status, bytes, endpoint, failed);
    if (keepAlive) return this.fill(user, connection);
    // The server announced the close: what was pipelined behind this answer was never accepted.
    connection.destroy();
    this.connect(user);
  }

  private lost(user: User, lost: Exchange[], error: NodeJS.ErrnoException | undefined): void {
    if (this.stopped) return;
    const at = performance.now();
    const errorClass = error ? classifyTransportError(error) : 'reset';
    const message = error ? transportErrorText(error) : 'the server closed the connection without answering';
    for (const exchange of lost) this.recorder.failure(at, errorClass, message, exchange.request.endpoint);
    // Reconnect on the next turn: a refused port must not spin the loop deaf to timers and signals.
    setImmediate(() => this.connect(user));
  }

  /** A request unanswered past the timeout is a timeout, and its connection is replaced. */
  private sweep(): void {
    const now = performance.now();
    for (const user of this.users) {
      const c = user.connection;
      const oldest = c?.oldest;
      if (!c || !oldest || now - oldest.sentMs < this.options.timeoutMs) continue;
      for (const exchange of c.destroy())
        this.recorder.failure(
          now,
          'timeout',
          `no complete answer within ${this.options.timeoutMs} ms`,
          exchange.request.endpoint,
        );
      this.connect(user);
    }
  }

  /** Keeps `pipelining` requests outstanding on the user's connection. */
  private fill(user: User, connection: Connection<Exchange>): void {
    const { cycle } = this.workload;
    // Bounded: a cycle of requests that all fail to render must not spin here.
    for (
      let tries = 0;
      !this.stopped && connection.pending < this.pipelining && tries < cycle.length + this.pipelining;
      tries++
    ) {
      if (!this.sendNext(user, connection)) {
        setImmediate(() => this.stop());
        return;
      }
    }
    if (!this.stopped && connection.pending === 0) setImmediate(() => !this.stopped && this.fill(user, connection));
  }

  /** Writes the user's next request; false when the workload ran out (a data file with `onEnd: stop`). */
  private sendNext(user: User, connection: Connection<Exchange>): boolean {
    const { cycle } = this.workload;
    const i = user.next++ % cycle.length;
    const request = cycle[i] as WorkloadRequest;
    let bytes = this.prebuilt[i];
    let rendered: PreparedRequest | undefined = request.fixed;
    if (!bytes) {
      try {
        rendered = request.render(user.state);
        if (!rendered) return false;
        bytes = bytesOrError(rendered, this.target);
      } catch (e) {
        bytes = e as Error;
      }
    }
    // A request that must not be sent (a header value with a line break) becomes its error at
    // once, without a round trip; the user goes on with the next one.
    if (bytes instanceof Error) {
      this.recorder.failure(performance.now(), 'other', bytes.message, request.endpoint);
      return true;
    }
    connection.send(bytes, new Exchange(request, rendered?.method));
    return true;
  }
}

function bytesOrError(request: PreparedRequest, target: Target): Buffer | Error {
  try {
    return requestBytes(request, target);
  } catch (e) {
    return e as Error;
  }
}
