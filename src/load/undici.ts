/**
 * The open model's requests on undici's connection pool: the engine before perfgate's own
 * connections (`engine: autocannon` keeps it for the open model, autocannon having none).
 *
 * The low-level `dispatch` API, without the Readable body stream and the AbortController that
 * `pool.request` would need per request (measured: a signal per request cost ~50 % more client
 * CPU per request). The body is counted, and kept only as far as the request's check reads it.
 */
import { Pool, type Dispatcher } from 'undici';
import type { Flight, Transport, TransportDone } from './open.js';

export function undiciTransport(
  baseUrl: string,
  maxInFlight: number,
  timeoutMs: number,
  done: TransportDone,
): Transport {
  const base = new URL(baseUrl);
  const pathPrefix = base.pathname.replace(/\/$/, '');
  // One connection per in-flight slot, each request alone on its socket (no pipelining).
  const pool = new Pool(base.origin, {
    connections: maxInFlight,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
    keepAliveTimeout: 30_000,
  });
  return {
    dispatch(flight, request) {
      pool.dispatch(
        {
          method: request.method as 'GET',
          path: pathPrefix + request.path,
          headers: request.headers,
          body: request.body ?? null,
        },
        handlerFor(flight, done),
      );
    },
    close: () => pool.destroy().catch(() => {}),
  };
}

/**
 * undici's handler for one flight. `controller` arrives when the request is written to a socket;
 * a request given up before that is aborted as soon as it starts.
 */
function handlerFor(flight: Flight, done: TransportDone): Dispatcher.DispatchHandler {
  let controller: Dispatcher.DispatchController | undefined;
  flight.carrier = {
    giveUp: () => {
      if (controller && !controller.aborted) controller.abort(new Error('given up'));
    },
  };
  return {
    onRequestStart(c) {
      controller = c;
      if (flight.settled) c.abort(new Error('given up'));
    },
    onResponseStart(_c, statusCode, headers) {
      flight.status = statusCode;
      if (flight.keepHead) flight.headers = headers;
    },
    onResponseData(_c, chunk) {
      flight.bytes += chunk.length;
      flight.bodyBytes += chunk.length;
      // Kept only as far as the request's check reads (bounded); otherwise counted only.
      if (flight.keptBytes < flight.keepBody) {
        const take = Math.min(chunk.length, flight.keepBody - flight.keptBytes);
        (flight.kept ??= []).push(chunk.subarray(0, take));
        flight.keptBytes += take;
      }
    },
    onResponseEnd() {
      done(flight);
    },
    onResponseError(_c, error) {
      done(flight, error);
    },
  };
}
