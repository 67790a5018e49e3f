import { describe, expect, it } from 'vitest';
import { headerOf, ParseError, ResponseParser, type ResponseHandler } from '../../src/load/http1/parser.js';

interface Parsed {
  status: number;
  head: string;
  body: string;
  bytes: number;
  keepAlive: boolean;
}

/** A parser over a queue of requests (true: HEAD), collecting every completed response. */
function collect(heads: boolean[] = [], wantBody = true) {
  const done: Parsed[] = [];
  let current: Omit<Parsed, 'bytes' | 'keepAlive'> | undefined;
  const handler: ResponseHandler = {
    isHeadRequest: () => heads[done.length] ?? false,
    onHead(status, head) {
      current = { status, head, body: '' };
      return wantBody;
    },
    onBody(chunk) {
      if (current) current.body += chunk.toString('latin1');
    },
    onComplete(bytes, keepAlive) {
      if (current) done.push({ ...current, bytes, keepAlive });
      current = undefined;
    },
  };
  return { parser: new ResponseParser(handler), done };
}

/** Feeds `wire` split at every byte boundary into two reads, and in one read, and in single bytes: all must agree. */
function everySplit(wire: string, heads: boolean[] = []): Parsed[] {
  const whole = collect(heads);
  whole.parser.execute(Buffer.from(wire, 'latin1'));
  for (let cut = 0; cut <= wire.length; cut++) {
    const split = collect(heads);
    split.parser.execute(Buffer.from(wire.slice(0, cut), 'latin1'));
    split.parser.execute(Buffer.from(wire.slice(cut), 'latin1'));
    expect(split.done, `split at byte ${cut}`).toEqual(whole.done);
  }
  const bytewise = collect(heads);
  for (const ch of wire) bytewise.parser.execute(Buffer.from(ch, 'latin1'));
  expect(bytewise.done).toEqual(whole.done);
  return whole.done;
}

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;

describe('HTTP/1.1 response parser', () => {
  it('reads content-length bodies, pipelined back to back, at every split', () => {
    const wire = ok('hello') + ok('') + ok('x'.repeat(40));
    const done = everySplit(wire);
    expect(done.map((d) => [d.status, d.body.length, d.keepAlive])).toEqual([
      [200, 5, true],
      [200, 0, true],
      [200, 40, true],
    ]);
    expect(done.reduce((s, d) => s + d.bytes, 0)).toBe(wire.length);
  });

  it('reads chunked bodies with extensions and trailers, at every split', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n' +
      'A ; other="x;y"\r\n0123456789\r\n' +
      '0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n' +
      ok('next');
    const done = everySplit(wire);
    expect(done).toHaveLength(2);
    expect(done[0]?.body).toBe('hello0123456789');
    expect(done[0]?.keepAlive).toBe(true);
    expect(done[1]?.body).toBe('next');
    expect((done[0]?.bytes ?? 0) + (done[1]?.bytes ?? 0)).toBe(wire.length);
  });

  it('honours connection: close, and HTTP/1.0 without keep-alive', () => {
    expect(everySplit(ok('a', 'Connection: close\r\n'))[0]?.keepAlive).toBe(false);
    expect(everySplit(ok('a', 'connection: Keep-Alive, Close\r\n'))[0]?.keepAlive).toBe(false);
    expect(everySplit('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\na')[0]?.keepAlive).toBe(false);
    expect(everySplit('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na')[0]?.keepAlive).toBe(
      true,
    );
  });

  it('reads the framing headers in any case and spacing, and only those', () => {
    const [shouting] = everySplit('HTTP/1.1 200\r\nCONTENT-LENGTH:3\r\nConnection:  Keep-Alive, CLOSE \r\n\r\nabc');
    expect(shouting).toMatchObject({ status: 200, body: 'abc', keepAlive: false });
    // Transfer codings: chunked last frames the body; any other ends it with the connection.
    const [coded] = everySplit('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip,  Chunked \r\n\r\n2\r\nhi\r\n0\r\n\r\n');
    expect(coded).toMatchObject({ body: 'hi', keepAlive: true });
    const zipped = collect();
    zipped.parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz', 'latin1'));
    zipped.parser.end();
    expect(zipped.done[0]).toMatchObject({ body: 'zzz', keepAlive: false });
    // Headers that only look like the framing ones are left alone.
    const [lookalikes] = everySplit(
      'HTTP/1.1 200 OK\r\nContent-Lengths: 9\r\nX-Connection: close\r\nContent-Type: text/plain\r\ncontent-length: 1\r\n\r\nz',
    );
    expect(lookalikes).toMatchObject({ body: 'z', keepAlive: true });
    expect(lookalikes?.head).toBe(
      'HTTP/1.1 200 OK\r\nContent-Lengths: 9\r\nX-Connection: close\r\nContent-Type: text/plain\r\ncontent-length: 1',
    );
  });

  it('skips 1xx interim responses and gives the final one to the request', () => {
    const wire = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n' + ok('done');
    const done = everySplit(wire);
    expect(done).toHaveLength(1);
    expect(done[0]?.status).toBe(200);
    expect(done[0]?.body).toBe('done');
  });

  it('reads no body after HEAD, 204 and 304, even with a content-length', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n' +
      ok('body');
    const done = everySplit(wire, [true, false, false, false]);
    expect(done.map((d) => [d.status, d.body])).toEqual([
      [200, ''],
      [204, ''],
      [304, ''],
      [200, 'body'],
    ]);
  });

  it('reads a body without length until the server closes, and completes it at the end', () => {
    const { parser, done } = collect();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, '));
    parser.execute(Buffer.from('part two'));
    expect(done).toHaveLength(0);
    parser.end();
    expect(done[0]?.body).toBe('part one, part two');
    expect(done[0]?.keepAlive).toBe(false);
  });

  it('reports a response cut off mid-body or mid-head when the server closes', () => {
    const body = collect();
    body.parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(() => body.parser.end()).toThrow(ParseError);
    const head = collect();
    head.parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'));
    expect(() => head.parser.end()).toThrow(/middle of a response/);
    const chunk = collect();
    chunk.parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'));
    expect(() => chunk.parser.end()).toThrow(ParseError);
    // Between responses, a close is no error.
    const idle = collect();
    idle.parser.execute(Buffer.from(ok('a')));
    expect(() => idle.parser.end()).not.toThrow();
  });

  it('refuses what is not HTTP/1.x: a bad status line, a bad length, a bad chunk size, a switch of protocols', () => {
    const fails = (wire: string, code: string) => {
      const { parser } = collect();
      try {
        parser.execute(Buffer.from(wire));
        expect.unreachable(`${JSON.stringify(wire)} parsed`);
      } catch (e) {
        expect(e).toBeInstanceOf(ParseError);
        expect((e as ParseError).code).toBe(code);
      }
    };
    fails('SSH-2.0-OpenSSH\r\n\r\n', 'HPE_INVALID_CONSTANT');
    fails('HTTP/1.1 2x0 OK\r\n\r\n', 'HPE_INVALID_STATUS');
    fails('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH');
    fails('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH');
    fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE');
    fails('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', 'HPE_INVALID_CHUNK');
    fails('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', 'HPE_UPGRADE');
    fails(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`, 'HPE_HEADER_OVERFLOW');
  });

  it('counts body bytes without handing them over when none are wanted', () => {
    const { parser, done } = collect([], false);
    parser.execute(Buffer.from(ok('x'.repeat(1000))));
    expect(done[0]?.body).toBe('');
    expect(done[0]?.bytes).toBe(ok('x'.repeat(1000)).length);
  });

  it('reads a head that repeats the previous one exactly as a fresh parse would, and a one-byte change anew', () => {
    // ok('123456')'s head has the same length as ok('12345')'s, one byte apart (the length): it must not pass for it.
    const five = ok('12345');
    const closing = ok('12345', 'Connection: close\r\n');
    const sequence = [five, five, ok('123456'), five, closing, five];
    const fresh = sequence.map((wire) => {
      const one = collect();
      one.parser.execute(Buffer.from(wire, 'latin1'));
      return one.done[0];
    });
    const done = everySplit(sequence.join(''));
    expect(done).toEqual(fresh);
    expect(done.map((d) => [d.body, d.keepAlive])).toEqual([
      ['12345', true],
      ['12345', true],
      ['123456', true],
      ['12345', true],
      ['12345', false],
      ['12345', true],
    ]);
    // A check reads the repeated head's text like the first one's.
    expect(done[1]?.head).toBe(done[0]?.head);
  });

  it('reads a reused buffer only up to the end it is given, whatever stale bytes lie past it', () => {
    const wire = ok('abc');
    const { parser, done } = collect();
    parser.execute(Buffer.from(wire, 'latin1'));
    // The next read fills the buffer's first bytes only; a whole old response lies past `end`.
    const headLength = wire.indexOf('\r\n\r\n') + 4;
    const buffer = Buffer.from(wire + wire, 'latin1');
    parser.execute(buffer, headLength - 1);
    expect(done).toHaveLength(1);
    parser.execute(Buffer.from(wire.slice(headLength - 1), 'latin1'));
    expect(done.map((d) => d.body)).toEqual(['abc', 'abc']);
    // And a first head with its CRLFCRLF beyond `end` is not complete either.
    const cold = collect();
    cold.parser.execute(buffer, 10);
    cold.parser.execute(Buffer.from(wire.slice(10), 'latin1'));
    expect(cold.done.map((d) => d.body)).toEqual(['abc']);
  });

  it('reads responses whose heads all differ (a request id each) correctly, remembering none past the first misses', () => {
    const wire = Array.from({ length: 80 }, (_, i) =>
      ok(`body ${i}`, `X-Request-Id: ${String(i).padStart(6, '0')}\r\n`),
    );
    const { parser, done } = collect();
    for (const w of wire) parser.execute(Buffer.from(w, 'latin1'));
    expect(done.map((d) => d.body)).toEqual(wire.map((_, i) => `body ${i}`));
    expect(done.map((d) => headerOf(d.head, 'x-request-id'))).toEqual(wire.map((_, i) => String(i).padStart(6, '0')));
  });

  it('finds a header of a raw head by name, joining repeats', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nset-cookie: b=2';
    expect(headerOf(head, 'content-type')).toBe('application/json');
    expect(headerOf(head, 'Set-Cookie')).toBe('a=1, b=2');
    expect(headerOf(head, 'x-missing')).toBeUndefined();
  });
});
