/**
 * Closed model on autocannon (`engine: autocannon`; perfgate's own engine is http1/closed.ts): `connections` users, each sending its next request as soon as
 * the last one is answered. autocannon drives the sockets; perfgate keeps its own books from the
 * per-response events (autocannon's histogram stores whole ms and its coordinated-omission
 * correction is broken, so neither is used) and its own clock for the window (autocannon's
 * `duration` overruns by ~1 s). No worker threads: they break the bundle and bring nothing on 2 cores.
 */
import autocannon from 'autocannon';
import type { Instance, Result } from 'autocannon';
import { LoadError } from '../errors.js';
import { classifyTransportError, transportErrorText } from './classify.js';
import { watchGenerator } from './generator.js';

import { LoadRecorder } from './recorder.js';
import type { LoadMeasurement, LoadOptions } from './types.js';
import type { PreparedRequest } from './mix.js';
import {
  fixedWorkload,
  type CheckedResponse,
  type ResponseCheck,
  type Workload,
  type WorkloadRequest,
} from './workload.js';

export async function runClosedModel(options: LoadOptions, connections: number): Promise<LoadMeasurement> {
  const workload = options.workload ?? fixedWorkload(options.requests);
  const totalMs = options.warmupMs + options.durationMs;
  const startedAt = new Date().toISOString();
  const generator = watchGenerator();
  const recorder = new LoadRecorder(performance.now(), options.warmupMs, options.onSecond, workload.endpoints);
  /** Endpoints of the requests a failure event is about, in the order autocannon reports them. */
  let failing: number[] = [];
  let stopped = false;
  let endMs = 0;
  let exhausted = false;
  const host = new URL(options.baseUrl).host;
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
      setupClient: (raw: unknown) => {
        const client = raw as AutocannonClient;
        keepBodiesForChecks(client, workload);
        sendVarying(client, workload, host, () => {
          // A data file with `onEnd: stop` ran out: the run ends here (at the next tick: this is
          // called from inside autocannon's request loop).
          if (exhausted) return;
          exhausted = true;
          setImmediate(() => stop());
        });
        watchFailures(client, (endpoints) => (failing = endpoints));
        watchForSilentResets(client, (lost) => {
          if (stopped) return;
          const at = performance.now();
          for (const entry of lost)
            recorder.failure(at, 'reset', 'the server closed the connection without answering', entry.req.endpoint);
        });
      },
      requests: autocannonRequests(workload) as unknown as autocannon.Request[],
    }) as unknown as Instance & PromiseLike<Result>;
  } catch (e) {
    generator.stop();
    throw new LoadError(`could not start the load on ${options.baseUrl}: ${(e as Error).message}`);
  }
  recordEvents(instance, recorder, { stopped: () => stopped, failing: () => failing });
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
    generator: { ...generator.stop(), engine: 'autocannon' },
  };
}

/**
 * perfgate's books from autocannon's events: each answer with its endpoint and check (or the
 * error it stands for), each failure with the endpoint of the request it is about.
 */
function recordEvents(
  instance: Instance,
  recorder: LoadRecorder,
  state: { stopped: () => boolean; failing: () => number[] },
): void {
  instance.on('response', ((client: AutocannonClient, status: number, bytes: number, responseTimeMs: number) => {
    if (state.stopped()) return;
    const answered = client.answered;
    const request = answered?.req;
    if (answered?.unsendable !== undefined)
      return recorder.failure(performance.now(), 'other', answered.unsendable, request?.endpoint ?? 0);
    const failed = request?.check && answered ? request.check.evaluate(checkedResponse(answered, status)) : undefined;
    recorder.response(performance.now(), responseTimeMs, status, bytes, request?.endpoint ?? 0, failed);
  }) as (...args: unknown[]) => void);
  instance.on('reqError', (error: NodeJS.ErrnoException) => {
    if (state.stopped()) return;
    const failing = state.failing();
    const endpoint = failing.length > 1 ? (failing.shift() ?? 0) : (failing[0] ?? 0);
    recorder.failure(performance.now(), classifyTransportError(error), transportErrorText(error), endpoint);
  });
}

/** A request as autocannon holds it, with perfgate's own fields. */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  endpoint: number;
  check: ResponseCheck | undefined;
  /** A request whose bytes are built per send (templates, data). */
  entry?: WorkloadRequest;
}

/** An entry of autocannon's queue of requests written to a connection and not yet answered. */
interface QueueEntry {
  req: AutocannonRequest;
  headers: { headers?: string[] };
  /** perfgate's: why the request could not be rendered (its answer is then counted as this error). */
  unsendable?: string;
  /** perfgate's: the first bytes of the body, for the request's check. */
  kept?: Buffer[];
  keptBytes?: number;
}

/** The parts of autocannon's (internal) HTTP client that perfgate reaches into. */
interface AutocannonClient extends NodeJS.EventEmitter {
  conn?: NodeJS.EventEmitter;
  _connect: () => void;
  pipelinedRequests: {
    size(): number;
    clear(): void;
    peek(): QueueEntry | undefined;
    addBody(data: Buffer): void;
    terminateRequest(): QueueEntry | undefined;
    toArray(): QueueEntry[];
  };
  requestIterator: { currentRequest?: AutocannonRequest };
  getRequestBuffer(): Buffer;
  /** perfgate's: the entry of the last answer, for the 'response' event that follows it. */
  answered?: QueueEntry;
}

/**
 * The workload's cycle as autocannon requests. A varying request carries its `entry`: its bytes
 * are built per send by sendVarying (autocannon's own per-request rebuild, `setupRequest`, doubled
 * the client's CPU per request: bench/README.md).
 */
function autocannonRequests(workload: Workload): AutocannonRequest[] {
  return workload.cycle.map((entry) => {
    const first = entry.fixed ?? entry.render(workload.newUser());
    return {
      method: first?.method ?? 'GET',
      path: first?.path ?? '/',
      headers: first?.headers ?? {},
      ...(first?.body !== undefined ? { body: first.body } : {}),
      endpoint: entry.endpoint,
      check: entry.check,
      ...(entry.fixed ? {} : { entry }),
    };
  });
}

/**
 * Each connection is a virtual user with its own state for the whole run (its variables, its data
 * row) and builds the bytes of a varying request from it per send. A data file that ran out
 * (`onEnd: stop`) ends the run; the request already due goes out as first rendered, unmeasured.
 */
function sendVarying(client: AutocannonClient, workload: Workload, host: string, exhausted: () => void): void {
  if (workload.fixed) return;
  const user = workload.newUser();
  const fixedBuffer = client.getRequestBuffer.bind(client);
  client.getRequestBuffer = () => {
    const request = client.requestIterator.currentRequest;
    if (!request?.entry) return fixedBuffer();
    let rendered: PreparedRequest | undefined;
    try {
      rendered = request.entry.render(user);
    } catch (e) {
      // A value that must not be sent (a header value with a line break): the request goes out
      // as first rendered, and its answer is counted as this error instead (see 'response').
      const queued = client.pipelinedRequests.toArray();
      const entry = queued[queued.length - 1];
      if (entry) entry.unsendable = (e as Error).message;
      return fixedBuffer();
    }
    if (!rendered) {
      exhausted();
      return fixedBuffer();
    }
    return rawRequest(rendered, host);
  };
}

/** An HTTP/1.1 request as autocannon writes one (Host, keep-alive, Content-Length with a body). */
function rawRequest(r: PreparedRequest, host: string): Buffer {
  let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
  for (const name in r.headers) head += `${name}: ${r.headers[name]}\r\n`;
  if (r.body === undefined) return Buffer.from(head + '\r\n');
  return Buffer.from(`${head}Content-Length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`);
}

/** Which requests a timeout or connection error is about: those autocannon clears from its queue. */
function watchFailures(client: AutocannonClient, onFailing: (endpoints: number[]) => void): void {
  const queue = client.pipelinedRequests;
  const clear = queue.clear.bind(queue);
  queue.clear = () => {
    const pending = queue.toArray();
    if (pending.length) onFailing(pending.map((e) => e.req.endpoint));
    clear();
  };
  const terminate = queue.terminateRequest.bind(queue);
  queue.terminateRequest = () => (client.answered = terminate());
  const onError = () => {
    // A refused connection never had a request written: it is about the one it would have sent.
    if (queue.size() === 0) onFailing([client.requestIterator.currentRequest?.endpoint ?? 0]);
  };
  client.on('connError', onError);
}

/** What the request's check reads of an answer: status, headers (from the parser's raw list) and the kept body. */
function checkedResponse(entry: QueueEntry, status: number): CheckedResponse {
  const raw = entry.headers.headers ?? [];
  return {
    status,
    headers: (name) => {
      for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) return raw[i + 1];
      return undefined;
    },
    body: entry.kept && Buffer.concat(entry.kept),
    bodyBytes: entry.keptBytes ?? 0,
  };
}

/**
 * autocannon appends every response body to a string (for `expectBody`/`verifyBody`, which perfgate
 * does not use): a body past V8's string limit (~512 MiB) threw `RangeError: Invalid string length`
 * out of a socket handler and crashed the run, and any large body cost a copy per chunk (issue 15,
 * case 6). Bytes are counted from the parser's byte events as before; a body is kept only as far
 * as its request's check reads it (bounded), and otherwise not at all.
 */
function keepBodiesForChecks(client: AutocannonClient, workload: Workload): void {
  const queue = client.pipelinedRequests;
  // Without a check, nothing is kept or counted: the per-chunk hook does no work at all. A check
  // that keeps no body (only maxBodySize) still needs the body's size.
  if (!workload.cycle.some((r) => r.check)) {
    queue.addBody = () => {};
    return;
  }
  queue.addBody = (data: Buffer) => {
    const entry = queue.peek();
    if (!entry) return;
    const limit = entry.req.check?.bodyLimit ?? 0;
    const kept = entry.keptBytes ?? 0;
    if (kept < limit) (entry.kept ??= []).push(Buffer.from(data.subarray(0, limit - kept)));
    entry.keptBytes = kept + data.length;
  };
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
function watchForSilentResets(client: AutocannonClient, onLost: (pending: QueueEntry[]) => void): void {
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
      const pending = [...this.pipelinedRequests.toArray()];
      if (pending.length === 0) return;
      this.pipelinedRequests.clear();
      if (!announcedClose.has(conn)) onLost(pending);
    });
  };
}
