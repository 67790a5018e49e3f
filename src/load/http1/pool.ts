/**
 * The open model's requests on perfgate's own connections. Each request on the wire holds one
 * connection (no pipelining: a slow answer must not delay the arrivals behind it), and an
 * answered connection waits, kept alive, for the next arrival; the most recently used idle one is
 * taken first, so a steady rate reuses a few warm sockets.
 *
 * Connections are opened on demand up to `maxConnections`. An arrival that finds them all busy
 * waits for the next free one, in arrival order, and its latency runs from its intended time (the
 * wait is what a user behind a connection pool sees). Opening a socket per waiting arrival instead
 * flooded a cold SUT: 788 sockets at 400 req/s against a real app whose warm p99 was 3 ms, read
 * as p99 1.75 s (issue 17). The waits are counted (`stats`), so a pool too small for the SUT shows.
 */
import type { PreparedRequest } from '../mix.js';
import type { Flight, Transport, TransportDone } from '../open.js';
import { Connection, targetOf, type ConnectionEvents, type Target } from './connection.js';
import { requestBytes } from './request.js';

const closedCleanly = (): NodeJS.ErrnoException =>
  Object.assign(new Error('the server closed the connection without answering'), { code: 'ECONNRESET' });

/** An arrival's wait for a free connection that counts as waiting (beyond a timer's jitter). */
const WAIT_COUNTED_MS = 1;

export interface PoolStats {
  /** Most connections open at once. */
  peakConnections: number;
  maxConnections: number;
  /** Arrivals that waited more than WAIT_COUNTED_MS for a free connection, and the longest wait. */
  waited: number;
  longestWaitMs: number;
}

export function netTransport(baseUrl: string, maxConnections: number, done: TransportDone): NetPool {
  return new NetPool(targetOf(baseUrl), maxConnections, done);
}

class NetPool implements Transport {
  private readonly idle: Connection<Flight>[] = [];
  private readonly open = new Set<Connection<Flight>>();
  /** Arrivals waiting for a free connection (each holds its bytes in `wire`), from `waitingHead` on. */
  private waiting: Flight[] = [];
  private waitingHead = 0;
  /** Serialized once per fixed request of the workload. */
  private readonly built = new WeakMap<PreparedRequest, Buffer>();
  private readonly counts: PoolStats;
  private readonly events: ConnectionEvents<Flight> = {
    response: (connection, flight, bytes, keepAlive) => {
      flight.bytes = bytes;
      flight.carrier = undefined;
      this.done(flight);
      if (keepAlive && this.open.has(connection)) this.release(connection);
      else this.retire(connection);
    },
    closed: (connection, lost, error) => {
      this.open.delete(connection);
      for (const flight of lost) this.done(flight, error ?? closedCleanly());
      this.serveWaiting();
    },
  };

  constructor(
    private readonly target: Target,
    private readonly maxConnections: number,
    private readonly done: TransportDone,
  ) {
    this.counts = { peakConnections: 0, maxConnections, waited: 0, longestWaitMs: 0 };
  }

  dispatch(flight: Flight, request: PreparedRequest): void {
    let bytes = this.built.get(request);
    if (!bytes) {
      try {
        bytes = requestBytes(request, this.target);
      } catch (e) {
        return this.done(flight, Object.assign(e as Error, { code: 'EINVALIDREQUEST' }));
      }
      // Only a fixed request comes back as the same object: a rendered one is new per send.
      if (flight.request.fixed === request) this.built.set(request, bytes);
    }
    let connection = this.idle.pop();
    // An idle connection the server closed has left `open` (its 'close' came first).
    while (connection && !this.open.has(connection)) connection = this.idle.pop();
    if (connection) return this.write(connection, flight, bytes);
    if (this.open.size < this.maxConnections) return this.write(this.openConnection(), flight, bytes);
    flight.wire = bytes;
    this.waiting.push(flight);
  }

  async close(): Promise<void> {
    for (const connection of this.open) connection.destroy();
    this.open.clear();
    this.idle.length = 0;
    this.waiting = [];
    this.waitingHead = 0;
  }

  /** Giving up on a request (timeout, end of run) closes its connection: its answer may still come. */
  giveUp(flight: Flight): void {
    if (flight.slot instanceof Connection) this.retire(flight.slot as Connection<Flight>);
  }

  stats(): PoolStats {
    return { ...this.counts };
  }

  /** Closes a connection (given up, or announced closed) and lets a waiting arrival open another. */
  private retire(connection: Connection<Flight>): void {
    this.open.delete(connection);
    connection.destroy();
    this.serveWaiting();
  }

  /** A free connection goes to the longest-waiting arrival, else to the idle stack. */
  private release(connection: Connection<Flight>): void {
    const next = this.nextWaiting();
    if (next) return this.write(connection, next, next.wire as Buffer);
    this.idle.push(connection);
  }

  private nextWaiting(): Flight | undefined {
    while (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead++];
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.waitingHead);
        this.waitingHead = 0;
      }
      // A waiting arrival given up (timed out, run over) is skipped.
      if (next && !next.settled) return next;
    }
    return undefined;
  }

  /** Opens connections for waiting arrivals while the pool has room (after one closed). */
  private serveWaiting(): void {
    while (this.waitingHead < this.waiting.length && this.open.size < this.maxConnections) {
      const next = this.nextWaiting();
      if (!next) return;
      this.write(this.openConnection(), next, next.wire as Buffer);
    }
  }

  private openConnection(): Connection<Flight> {
    const connection = new Connection<Flight>(this.target, this.events);
    this.open.add(connection);
    this.counts.peakConnections = Math.max(this.counts.peakConnections, this.open.size);
    return connection;
  }

  private write(connection: Connection<Flight>, flight: Flight, bytes: Buffer): void {
    const now = performance.now();
    const wait = now - flight.createdMs;
    if (wait > WAIT_COUNTED_MS) {
      this.counts.waited++;
      this.counts.longestWaitMs = Math.max(this.counts.longestWaitMs, wait);
    }
    flight.carrier = this;
    flight.slot = connection;
    flight.wire = undefined;
    connection.send(bytes, flight, now);
  }
}
