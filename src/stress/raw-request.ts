/**
 * Sends bytes exactly as given over a plain TCP socket. HTTP clients refuse to send malformed
 * requests (unknown methods, headers without a colon), which is the point of the robustness
 * checks; so they speak raw HTTP/1.1 and read only the status line back.
 */
import net from 'node:net';

export type RawOutcome =
  | { kind: 'response'; status: number; ms: number }
  | { kind: 'reset'; ms: number; detail: string }
  | { kind: 'timeout'; ms: number };

export interface RawRequestOptions {
  host: string;
  port: number;
  /** Written at once; a function may write more over time (a slow client). */
  send: (socket: net.Socket) => void;
  deadlineMs: number;
}

export function rawRequest(options: RawRequestOptions): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = net.connect({ host: options.host, port: options.port });
    let buffer = '';
    let settled = false;
    const done = (o: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ kind: 'timeout', ms: performance.now() - t0 }), options.deadlineMs);
    socket.once('connect', () => options.send(socket));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(buffer);
      if (m?.[1]) done({ kind: 'response', status: Number(m[1]), ms: performance.now() - t0 });
      else if (buffer.length > 64 || buffer.includes('\r\n'))
        done({
          kind: 'reset',
          ms: performance.now() - t0,
          detail: `not an HTTP answer: ${JSON.stringify(buffer.slice(0, 40))}`,
        });
    });
    // Writing a large body to a server that already answered and closed gives EPIPE/ECONNRESET:
    // wait a moment for the status line that may still be in flight.
    socket.on('error', (e: NodeJS.ErrnoException) =>
      setTimeout(() => done({ kind: 'reset', ms: performance.now() - t0, detail: e.code ?? e.message }), 50),
    );
    socket.on('end', () =>
      setTimeout(
        () =>
          done({
            kind: 'reset',
            ms: performance.now() - t0,
            detail: 'the server closed the connection without an answer',
          }),
        50,
      ),
    );
  });
}
