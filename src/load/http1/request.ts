/** A prepared request as the bytes an HTTP/1.1 keep-alive connection writes. */
import type { PreparedRequest } from '../mix.js';
import type { Target } from './connection.js';

/** Bytes that would end a header line or the head: a request with one would smuggle another. */
const LINE_BREAK = /[\r\n\0]/;

/**
 * `METHOD path HTTP/1.1`, Host (unless the request sets one), the request's headers, and
 * Content-Length with a body (computed: a length from the config would frame the body wrongly).
 * Throws on a header name or value with a line break or NUL, which no server may receive.
 */
export function requestBytes(r: PreparedRequest, target: Target): Buffer {
  const path = target.pathPrefix + r.path;
  if (LINE_BREAK.test(path) || /\s/.test(path))
    throw new Error(`the path ${JSON.stringify(path)} has whitespace or a line break`);
  let head = `${r.method} ${path} HTTP/1.1\r\n`;
  let host = false;
  for (const name in r.headers) {
    const value = r.headers[name] as string;
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue;
    if (LINE_BREAK.test(name) || LINE_BREAK.test(value))
      throw new Error(`the header ${JSON.stringify(name)} has a line break in its name or value and is not sent`);
    if (lower === 'host') host = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head = head.replace('\r\n', `\r\nHost: ${target.authority}\r\n`);
  if (r.body === undefined) return Buffer.from(head + '\r\n');
  const body = Buffer.from(r.body, 'utf8');
  return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`), body]);
}
