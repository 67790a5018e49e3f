/**
 * An incremental HTTP/1.1 response parser for the load engine: status line, headers, bodies sized
 * by `content-length`, `chunked` (extensions and trailers read and ignored) or the end of the
 * connection, 1xx interim responses, and responses without a body (HEAD, 204, 304).
 *
 * Written by hand rather than taken from a library: Node's llhttp binding (`HTTPParser`) is
 * internal and undocumented, undici's llhttp is a WebAssembly module it does not export, and
 * http-parser-js (what autocannon uses) builds a header array and a string per line for every
 * response. A load generator reads only a handful of headers of responses it mostly discards; this
 * parser finds the end of the head with one native `indexOf`, reads the three headers that frame
 * the message (content-length, transfer-encoding, connection), hands a check the raw head only
 * when it asked for one, and counts body bytes without copying them. A head byte for byte like
 * the connection's previous one (most servers repeat theirs until the Date header ticks) is not
 * parsed again: one native compare replaces the search, the string and the header loop.
 * Measured (bench/http-parser.ts, a Node server's response): 107–117 ns per response when heads
 * repeat, 469 before they were remembered, against llhttp's 488–529 (through the internal
 * binding) and http-parser-js's 1,908–1,997; when every head is new, 667–762 against llhttp's
 * 660–686. bench/load-engine.ts measures the engine built on it against wrk and autocannon.
 */

/** A response the server sent that is not valid HTTP/1.x: the connection cannot be trusted past it. */
export class ParseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the connection does with each response the parser reads. */
export interface ResponseHandler {
  /** Whether the request this response answers was a HEAD (its response has no body). */
  isHeadRequest(): boolean;
  /**
   * A final (non-1xx) response's head is complete. `head` is the raw status line and header lines.
   * Answers whether the body's bytes are wanted (`onBody`); otherwise they are only counted.
   */
  onHead(status: number, head: string): boolean;
  onBody(chunk: Buffer): void;
  /**
   * The response is complete: its bytes on the wire (head, framing and body), whether the
   * connection may carry another, and the body's own size (what a maxBodySize check reads).
   */
  onComplete(bytes: number, keepAlive: boolean, bodyBytes: number): void;
}

const enum State {
  Head,
  /** `remaining` bytes of a content-length body. */
  Body,
  ChunkSize,
  /** `remaining` bytes of a chunk's data. */
  ChunkData,
  /** `remaining` bytes of the CRLF after a chunk's data. */
  ChunkEnd,
  Trailers,
  /** A body that ends when the server closes the connection. */
  UntilClose,
}

/** What the head of a response says about its framing: all the parser needs of it past the head. */
interface HeadInfo {
  status: number;
  /** content-length, or -1 when absent. */
  length: number;
  /** A transfer-encoding was given, and whether it ends with chunked. */
  encoded: boolean;
  chunked: boolean;
  keepAlive: boolean;
}

const CRLF2 = Buffer.from('\r\n\r\n');
/** Heads up to this size are remembered, to be recognized byte for byte on the next response. */
const MAX_REMEMBERED_HEAD = 2048;
/** A connection whose heads keep changing (a request id, a cookie) stops remembering them after this many misses. */
const MAX_HEAD_MISSES = 32;
/** Longest response head accepted (Node's own limit is 16 KiB; some proxies allow 64 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;
/** Longest chunk-size or trailer line accepted. */
const MAX_LINE_BYTES = 8 * 1024;

export class ResponseParser {
  private state = State.Head;
  /** Bytes of a head (or a chunk/trailer line) that arrived split over reads. */
  private pending: Buffer | undefined;
  private line = '';
  private remaining = 0;
  private bytes = 0;
  private bodyBytes = 0;
  private keepAlive = true;
  private wantBody = false;
  /** The previous head: its bytes (CRLFCRLF included), its text and what it said. */
  private last: { bytes: Buffer; text: string; info: HeadInfo } | undefined;
  private headHits = 0;
  private headMisses = 0;

  constructor(private readonly handler: ResponseHandler) {}

  /** Whether a response is partly read (its head or body started). */
  get inMessage(): boolean {
    return this.state !== State.Head || this.pending !== undefined;
  }

  /**
   * Feeds the bytes of one read, `data` up to `end` (a reused read buffer holds stale bytes past
   * it); calls the handler for every response completed in them. Throws ParseError.
   */
  execute(data: Buffer, end = data.length): void {
    let at = 0;
    while (at < end) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(data, at, end);
          break;
        case State.Body: {
          const take = Math.min(this.remaining, end - at);
          this.body(data, at, take);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.UntilClose:
          this.body(data, at, end - at);
          at = end;
          break;
        case State.ChunkSize:
        case State.Trailers: {
          const lineEnd = this.readLine(data, at, end);
          if (lineEnd < 0) return;
          at = lineEnd;
          if (this.state === State.ChunkSize) this.chunkSize();
          else if (this.line === '') this.complete();
          this.line = '';
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - at);
          this.body(data, at, take);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = State.ChunkEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkEnd: {
          const take = Math.min(this.remaining, end - at);
          for (let i = 0; i < take; i++) {
            const expected = this.remaining - i === 2 ? 13 : 10;
            if (data[at + i] !== expected) throw new ParseError('HPE_INVALID_CHUNK', 'no CRLF after a chunk');
          }
          this.bytes += take;
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
      }
    }
  }

  /**
   * The server closed the connection. A body read until the close is complete now; a response cut
   * off mid-head or mid-body throws (the request it answered got no complete answer).
   */
  end(): void {
    if (this.state === State.UntilClose) {
      this.keepAlive = false;
      this.complete();
      return;
    }
    if (this.inMessage)
      throw new ParseError('HPE_INCOMPLETE', 'the server closed the connection in the middle of a response');
  }

  private body(data: Buffer, at: number, length: number): void {
    this.bytes += length;
    this.bodyBytes += length;
    if (this.wantBody && length > 0) this.handler.onBody(data.subarray(at, at + length));
  }

  private complete(): void {
    const { bytes, keepAlive, bodyBytes } = this;
    this.state = State.Head;
    this.bytes = 0;
    this.bodyBytes = 0;
    this.handler.onComplete(bytes, keepAlive, bodyBytes);
  }

  /** Reads a head from `at`; answers where parsing goes on. */
  private readHead(data: Buffer, at: number, end: number): number {
    const last = this.last;
    const size = last?.bytes.length ?? 0;
    if (last && !this.pending && end - at >= size && last.bytes.compare(data, at, at + size) === 0) {
      // The same bytes as the previous head, its CRLFCRLF included: so the head ends at the same
      // place and says the same (the parse is a function of its bytes).
      this.headHits++;
      this.bytes += size;
      this.begin(last.info, last.text);
      return at + size;
    }
    let buf = data;
    let from = at;
    let searchFrom = at;
    let stop = end;
    if (this.pending) {
      // Rare: the head arrived split. Join it with this read (bounded by MAX_HEAD_BYTES).
      const before = this.pending.length;
      buf = Buffer.concat([this.pending, data.subarray(at, end)]);
      from = 0;
      searchFrom = Math.max(0, before - 3);
      stop = buf.length;
      this.pending = undefined;
      at -= before;
    }
    let headEnd = buf.indexOf(CRLF2, searchFrom);
    // A match past `stop` lies in stale bytes of a reused read buffer: the head is not complete yet.
    if (headEnd + 4 > stop) headEnd = -1;
    if (headEnd < 0) {
      if (stop - from > MAX_HEAD_BYTES)
        throw new ParseError('HPE_HEADER_OVERFLOW', `a response head longer than ${MAX_HEAD_BYTES} bytes`);
      this.pending = Buffer.from(buf.subarray(from, stop));
      return end;
    }
    if (headEnd - from > MAX_HEAD_BYTES)
      throw new ParseError('HPE_HEADER_OVERFLOW', `a response head longer than ${MAX_HEAD_BYTES} bytes`);
    const head = buf.toString('latin1', from, headEnd);
    const info = parseHead(head);
    const headSize = headEnd + 4 - from;
    this.remember(buf, from, headSize, head, info);
    this.bytes += headSize;
    this.begin(info, head);
    // Where the head ended, as an offset into `data` (`at` was shifted by the pending bytes).
    return headEnd + 4 + (buf === data ? 0 : at);
  }

  /** Keeps a parsed head to recognize its repeat, unless this connection's heads keep changing. */
  private remember(buf: Buffer, from: number, size: number, head: string, info: HeadInfo): void {
    if (this.last) this.headMisses++;
    if (size > MAX_REMEMBERED_HEAD || (this.headMisses > MAX_HEAD_MISSES && this.headMisses > this.headHits)) {
      this.last = undefined;
      return;
    }
    // Its own memory, not a slice of Node's shared 8 KiB pool: a head kept for minutes would pin
    // the whole slab it was cut from.
    const copy = Buffer.allocUnsafeSlow(size);
    buf.copy(copy, 0, from, from + size);
    this.last = { bytes: copy, text: head, info };
  }

  /** Acts on a complete head: an interim response is skipped, a final one framed. */
  private begin(info: HeadInfo, head: string): void {
    const { status } = info;
    if (status < 200) {
      // 101 would hand the connection to another protocol, which a load test never asks for.
      if (status === 101)
        throw new ParseError('HPE_UPGRADE', 'the server switched protocols (101), which perfgate does not speak');
      // An interim response (100 Continue, 103 Early Hints): the final one follows.
      this.bytes = 0;
      return;
    }
    this.keepAlive = info.keepAlive;
    this.wantBody = this.handler.onHead(status, head);
    if (this.handler.isHeadRequest() || status === 204 || status === 304) return this.complete();
    if (info.encoded) {
      if (info.chunked) {
        this.state = State.ChunkSize;
        return;
      }
      this.keepAlive = false;
      this.state = State.UntilClose;
      return;
    }
    if (info.length === 0) return this.complete();
    if (info.length > 0) {
      this.state = State.Body;
      this.remaining = info.length;
      return;
    }
    this.keepAlive = false;
    this.state = State.UntilClose;
  }

  /** Adds bytes up to the next LF to `line`; answers the offset after it, or -1 when the line goes on. */
  private readLine(data: Buffer, at: number, end: number): number {
    let lf = data.indexOf(10, at);
    if (lf >= end) lf = -1;
    const stop = lf < 0 ? end : lf + 1;
    this.bytes += stop - at;
    this.line += data.toString('latin1', at, stop);
    if (this.line.length > MAX_LINE_BYTES) throw new ParseError('HPE_CHUNK_OVERFLOW', 'a chunk line longer than 8 KiB');
    if (lf < 0) return -1;
    this.line = this.line.endsWith('\r\n') ? this.line.slice(0, -2) : this.line.slice(0, -1);
    return stop;
  }

  private chunkSize(): void {
    const semicolon = this.line.indexOf(';');
    const hex = (semicolon < 0 ? this.line : this.line.slice(0, semicolon)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex))
      throw new ParseError('HPE_INVALID_CHUNK_SIZE', `invalid chunk size: ${JSON.stringify(this.line.slice(0, 40))}`);
    const size = parseInt(hex, 16);
    if (size === 0) {
      this.state = State.Trailers;
      return;
    }
    this.state = State.ChunkData;
    this.remaining = size;
  }
}

/** Reads a head's status line and the three headers that frame its message. Throws ParseError. */
function parseHead(head: string): HeadInfo {
  if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 32)
    throw new ParseError('HPE_INVALID_CONSTANT', `not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
  const status = digit(head, 9) * 100 + digit(head, 10) * 10 + digit(head, 11);
  if (!(status >= 100) || (head.length > 12 && head.charCodeAt(12) !== 32 && head.charCodeAt(12) !== 13))
    throw new ParseError('HPE_INVALID_STATUS', `invalid status in ${JSON.stringify(head.slice(0, 40))}`);
  const http10 = head.charCodeAt(7) === 48; // "HTTP/1.0"
  let length = -1;
  let chunked = false;
  let encoded = false;
  let connection = '';
  // Only the three framing headers are read, matched by length and then letter by letter: this
  // runs for every response, and allocates only for the values it keeps.
  for (let i = head.indexOf('\r\n'); i >= 0;) {
    const start = i + 2;
    const next = head.indexOf('\r\n', start);
    const stop = next < 0 ? head.length : next;
    i = next;
    const colon = head.indexOf(':', start);
    if (colon < 0 || colon > stop) continue;
    const nameLength = colon - start;
    if (nameLength === 14 && named(head, start, 'content-length')) {
      const value = contentLength(head, colon + 1, stop);
      if (value < 0 || (length >= 0 && value !== length))
        throw new ParseError(
          'HPE_INVALID_CONTENT_LENGTH',
          `invalid content-length: ${JSON.stringify(head.slice(colon + 1, stop).trim())}`,
        );
      length = value;
    } else if (nameLength === 17 && named(head, start, 'transfer-encoding')) {
      encoded = true;
      chunked = head
        .slice(colon + 1, stop)
        .trim()
        .toLowerCase()
        .endsWith('chunked');
    } else if (nameLength === 10 && named(head, start, 'connection')) {
      connection += head.slice(colon + 1, stop).toLowerCase();
    }
  }
  return {
    status,
    length,
    encoded,
    chunked,
    keepAlive: http10 ? connection.includes('keep-alive') : !connection.includes('close'),
  };
}

/** The digit at `i` of `s`, or NaN. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** Whether `s` at `at` holds `lower` (a lower-case header name), in any case. */
function named(s: string, at: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) if ((s.charCodeAt(at + k) | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}

/** A content-length value between `from` and `to` (spaces around allowed), or -1 when it is not a number. */
function contentLength(s: string, from: number, to: number): number {
  let i = from;
  while (i < to && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  let end = to;
  while (end > i && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
  if (i === end || end - i > 15) return -1;
  let value = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** A header of a raw response head by (case-insensitive) name; repeated headers joined with ", ". */
export function headerOf(head: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== wanted) continue;
    const value = line.slice(colon + 1).trim();
    found = found === undefined ? value : `${found}, ${value}`;
  }
  return found;
}
