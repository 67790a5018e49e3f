/**
 * One keep-alive HTTP/1.1 connection of the load engine: requests are written as ready-made bytes,
 * answered in order (pipelining keeps several outstanding), and each answer is matched to the
 * exchange at the head of the queue. What happens next (another request, a reconnect, an error)
 * is the engine's business: the connection only reports.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { CheckedResponse, WorkloadRequest } from '../workload.js';
import { headerOf, ParseError, ResponseParser, type ResponseHandler } from './parser.js';

/** Where the load goes: parsed once from the base URL. */
export interface Target {
  host: string;
  port: number;
  tls: boolean;
  /** The Host header: host and port as in the URL. */
  authority: string;
  /** The base URL's path without its trailing slash, put before every request's path. */
  pathPrefix: string;
}

export function targetOf(baseUrl: string): Target {
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  return {
    // An IPv6 literal comes bracketed in a URL ("[::1]"); the socket wants it bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    tls: secure,
    authority: url.host,
    pathPrefix: url.pathname.replace(/\/$/, ''),
  };
}

/**
 * One request written on a connection and what came back of its answer: the closed model's, and
 * the open model's Flight (which adds its own fields). A class rather than an object literal per
 * send: V8 copies a literal of this many fields through the runtime
 * (CopyJSObjectWithAllocationSite showed in `perf` against nginx), a constructor allocates inline.
 */
export class Exchange {
  /** performance.now() when the request was handed to the connection. */
  sentMs = 0;
  /** A HEAD request: its answer has no body. */
  readonly head: boolean;
  /** Bytes of the answer's body to keep (for a check); 0 counts them only. */
  readonly keepBody: number;
  /** Whether the raw head is kept (the request has a check). */
  readonly keepHead: boolean;
  status = 0;
  /** The raw status line and headers, kept only when the body is kept or `keepHead` is set. */
  headText: string | undefined = undefined;
  kept: Buffer[] | undefined = undefined;
  keptBytes = 0;
  /** The answer's body size, counted whether it was kept or not (what a maxBodySize check reads). */
  bodyBytes = 0;

  constructor(
    readonly request: WorkloadRequest,
    method: string | undefined,
  ) {
    const { check } = request;
    this.head = method === 'HEAD';
    this.keepBody = check?.bodyLimit ?? 0;
    this.keepHead = check !== undefined;
  }
}

/** What a request's check reads of an exchange's answer: status, headers from the raw head, the kept body, the body's size. */
export function checkedAnswer(e: Exchange): CheckedResponse {
  const { headText } = e;
  return {
    status: e.status,
    headers: (name) => (headText === undefined ? undefined : headerOf(headText, name)),
    body: e.kept && Buffer.concat(e.kept),
    bodyBytes: e.bodyBytes,
  };
}

export interface ConnectionEvents<E extends Exchange> {
  /** The answer to `exchange` is complete; `keepAlive` false: the server will close the connection. */
  response(connection: Connection<E>, exchange: E, bytes: number, keepAlive: boolean): void;
  /**
   * The connection ended without the engine asking: `lost` were written and never (completely)
   * answered. `error` is undefined when the server closed it cleanly.
   */
  closed(connection: Connection<E>, lost: E[], error: NodeJS.ErrnoException | undefined): void;
}

/**
 * One read buffer for every plain connection: reads are handled one at a time, synchronously, and
 * each is parsed up to its length in place (no Buffer view made per read).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class Connection<E extends Exchange> implements ResponseHandler {
  private readonly socket: net.Socket;
  private readonly parser: ResponseParser;
  private readonly queue: E[] = [];
  private error: NodeJS.ErrnoException | undefined;
  private ended = false;

  constructor(
    target: Target,
    private readonly events: ConnectionEvents<E>,
  ) {
    this.parser = new ResponseParser(this);
    if (target.tls) {
      this.socket = tls.connect({
        host: target.host,
        port: target.port,
        servername: net.isIP(target.host) ? '' : target.host,
      });
      this.socket.on('data', (data: Buffer) => this.read(data, data.length));
    } else {
      // `onread` reads into one reused buffer and skips the Readable stream machinery ('data'
      // events): 9.1 → 8.2 µs of client CPU per request (bench/README.md). The parser copies
      // whatever it keeps past the callback (a split head, a checked body).
      this.socket = net.connect({
        host: target.host,
        port: target.port,
        onread: { buffer: READ_BUFFER, callback: (n: number) => this.read(READ_BUFFER, n) },
      });
    }
    this.socket.setNoDelay(true);
    this.socket.on('end', () => this.serverEnded());
    this.socket.on('error', (e: NodeJS.ErrnoException) => (this.error ??= e));
    this.socket.on('close', () => this.lost());
  }

  /** Requests written and not yet answered. */
  get pending(): number {
    return this.queue.length;
  }

  /** The longest-waiting request. */
  get oldest(): E | undefined {
    return this.queue[0];
  }

  /** Writes a request (buffered by the socket until it connects); `now` is performance.now() if the caller has it. */
  send(bytes: Buffer, exchange: E, now = performance.now()): void {
    exchange.sentMs = now;
    this.queue.push(exchange);
    this.socket.write(bytes);
  }

  /** Closes the connection at once, without events; answers the requests it had in flight. */
  destroy(): E[] {
    const lost = this.queue.splice(0);
    if (!this.ended) {
      this.ended = true;
      this.socket.destroy();
    }
    return lost;
  }

  isHeadRequest(): boolean {
    return this.queue[0]?.head ?? false;
  }

  onHead(status: number, head: string): boolean {
    const exchange = this.queue[0];
    if (!exchange) return false;
    exchange.status = status;
    if (exchange.keepHead) exchange.headText = head;
    return exchange.keepBody > 0;
  }

  onBody(chunk: Buffer): void {
    const exchange = this.queue[0];
    if (!exchange || exchange.keptBytes >= exchange.keepBody) return;
    const take = Math.min(chunk.length, exchange.keepBody - exchange.keptBytes);
    // A copy: the read buffer is reused once this handler returns.
    (exchange.kept ??= []).push(Buffer.from(chunk.subarray(0, take)));
    exchange.keptBytes += take;
  }

  onComplete(bytes: number, keepAlive: boolean, bodyBytes: number): void {
    const exchange = this.queue.shift();
    // An answer nobody asked for: the server is out of step with the requests.
    if (!exchange) return this.fail(new ParseError('HPE_UNEXPECTED', 'a response to no request'));
    exchange.bodyBytes = bodyBytes;
    this.events.response(this, exchange, bytes, keepAlive);
  }

  /** Parses one read, `data` up to `end`; false once the connection is done (no more reads wanted). */
  private read(data: Buffer, end: number): boolean {
    if (this.ended) return false;
    try {
      this.parser.execute(data, end);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.fail(e);
    }
    return !this.ended;
  }

  private serverEnded(): void {
    if (this.ended) return;
    try {
      this.parser.end();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      // Cut off mid-answer: a reset of the request it answered, as Node's own client calls it.
      this.error ??= Object.assign(new Error(e.message), { code: 'ECONNRESET' });
    }
  }

  private fail(error: Error): void {
    this.error ??= Object.assign(error, { code: (error as ParseError).code });
    this.lost();
  }

  /** Reports the connection's end once, with what it still owed. */
  private lost(): void {
    if (this.ended) return;
    const lost = this.destroy();
    this.events.closed(this, lost, this.error);
  }
}
