/**
 * Closed model on autocannon: `connections` users, each sending its next request as soon as
 * the last one is answered. autocannon drives the sockets; perfgate keeps its own books from the
 * per-response events (autocannon's histogram stores whole ms and its coordinated-omission
 * correction is broken, so neither is used) and its own clock for the window (autocannon's
 * `duration` overruns by ~1 s). No worker threads: they break the bundle and bring nothing on 2 cores.
 */
import autocannon from 'autocannon';
import type { Instance, Result } from 'autocannon';
import { LoadError } from '../errors.js';
import { classifyTransportError } from './classify.js';
import { watchGenerator } from './generator.js';
import { prepareRequest, weightedCycle } from './mix.js';
import { LoadRecorder } from './recorder.js';
import type { LoadMeasurement, LoadOptions } from './types.js';

export async function runClosedModel(options: LoadOptions, connections: number): Promise<LoadMeasurement> {
  const cycle = weightedCycle(options.requests).map(prepareRequest);
  const totalMs = options.warmupMs + options.durationMs;
  const startedAt = new Date().toISOString();
  const generator = watchGenerator();
  const recorder = new LoadRecorder(performance.now(), options.warmupMs, options.onSecond);
  let instance: Instance & PromiseLike<Result>;
  try {
    instance = autocannon({
      url: options.baseUrl,
      connections,
      pipelining: options.pipelining ?? 1,
      // perfgate stops the run on its own clock; this is only a backstop.
      duration: Math.ceil(totalMs / 1000) + 5,
      timeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      // stop() takes effect on autocannon's next sample tick: tick often so that a stop is prompt.
      sampleInt: 100,
      setupClient: (client: unknown) => {
        countBodiesOnly(client as AutocannonClient);
        watchForSilentResets(client as AutocannonClient, (pending) => {
          if (stopped) return;
          const at = performance.now();
          for (let i = 0; i < pending; i++)
            recorder.failure(at, 'reset', 'the server closed the connection without answering');
        });
      },
      requests: cycle.map((r) => ({
        method: r.method as 'GET',
        path: r.path,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
      })),
    }) as unknown as Instance & PromiseLike<Result>;
  } catch (e) {
    generator.stop();
    throw new LoadError(`could not start the load on ${options.baseUrl}: ${(e as Error).message}`);
  }
  let stopped = false;
  let endMs = 0;
  instance.on('response', (_client: unknown, status: number, bytes: number, responseTimeMs: number) => {
    if (stopped) return;
    recorder.response(performance.now(), responseTimeMs, status, bytes);
  });
  instance.on('reqError', (error: NodeJS.ErrnoException) => {
    if (stopped) return;
    recorder.failure(performance.now(), classifyTransportError(error), error.code ?? error.message);
  });
  const stop = () => {
    if (stopped) return;
    stopped = true;
    endMs = performance.now();
    instance.stop();
  };
  const timer = setTimeout(stop, totalMs);
  const ticker = setInterval(() => recorder.tick(performance.now()), 1000);
  const onAbort = () => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop();
  try {
    await instance;
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    options.signal?.removeEventListener('abort', onAbort);
    if (!stopped) stop();
  }
  return {
    startedAt,
    ...recorder.finish(Math.max(endMs, recorder.windowStartMs), 0, {
      secondHistograms: options.secondHistograms ?? false,
    }),
    generator: generator.stop(),
  };
}

/** The parts of autocannon's (internal) HTTP client that the reset watch needs. */
interface AutocannonClient extends NodeJS.EventEmitter {
  conn?: NodeJS.EventEmitter;
  _connect: () => void;
  pipelinedRequests: { size(): number; clear(): void; addBody(data: Buffer): void };
}

/**
 * autocannon appends every response body to a string (for `expectBody`/`verifyBody`, which perfgate
 * does not use): a body past V8's string limit (~512 MiB) threw `RangeError: Invalid string length`
 * out of a socket handler and crashed the run, and any large body cost a copy per chunk (issue 15,
 * case 6). Bytes are counted from the parser's byte events as before; bodies are not kept.
 */
function countBodiesOnly(client: AutocannonClient): void {
  client.pipelinedRequests.addBody = () => {};
}

/**
 * autocannon says nothing when the server closes a connection without answering: it reconnects,
 * and the lost request stays in its queue, so the next response is timed from the lost request's
 * start. Before its own 'end' handler reconnects, count the requests in flight as resets and
 * clear the queue, which keeps both the error count and the latencies honest. A server that
 * answered with `Connection: close` announced the end: autocannon ignores the header and queues
 * its next request on the closing socket, which is then never answered (or reset, with pipelining). Those requests were never
 * accepted, so they are dropped without an error (counting them read 50 % errors on a correct
 * server, issue 15). Relies on autocannon 9's client internals (`_connect`, `conn`,
 * `pipelinedRequests`, the 'headers' event with http-parser-js's `shouldKeepAlive`); test/load
 * and test/faults cover it.
 */
function watchForSilentResets(client: AutocannonClient, onLost: (pending: number) => void): void {
  const announcedClose = new WeakSet<NodeJS.EventEmitter>();
  client.on('headers', (info: { shouldKeepAlive?: boolean }) => {
    if (info.shouldKeepAlive === false && client.conn) announcedClose.add(client.conn);
  });
  // With pipelining, requests already written when the server closes make its kernel answer RST:
  // autocannon reports that as a connection error for `pipelining` requests. After an announced
  // close it is the same unaccepted work, so it is dropped too.
  const emit = client.emit.bind(client);
  client.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'connError' || !client.conn || !announcedClose.has(client.conn)) return emit(event, ...args);
    client.pipelinedRequests.clear();
    return false;
  };
  const connect = client._connect;
  client._connect = function (this: AutocannonClient) {
    connect.call(this);
    const conn = this.conn;
    conn?.prependListener('end', () => {
      const pending = this.pipelinedRequests.size();
      if (pending === 0) return;
      this.pipelinedRequests.clear();
      if (!announcedClose.has(conn)) onLost(pending);
    });
  };
}
