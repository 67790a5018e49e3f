/** The load model of a profile's settings: closed (concurrent users) or open (arrival rate). */
import type { LoadProfile } from '../config/sections/load.js';
import { socketBudget } from './capacity.js';
import type { LoadModel } from './types.js';

/**
 * Most arrivals outstanding at once (on a connection or waiting for one) when the profile does not
 * say: a timeout's worth of arrivals, so that a request is dropped only when it could not have been
 * answered in time anyway, at least 64, and at most 200,000 (a waiting arrival holds a few hundred
 * bytes; nothing holds a socket).
 */
export function defaultMaxInFlight(rate: number, timeoutMs: number): number {
  return Math.min(200_000, Math.max(64, Math.ceil((rate * timeoutMs) / 1000)));
}

/** The latency the default connection pool is sized for (Little's law: connections = rate × latency). */
const POOL_LATENCY_MS = 50;

/**
 * Most connections the open model opens when the profile does not say: enough for answers within
 * 50 ms at the offered rate, at least 64, never more than the process may open. An arrival that
 * finds them all busy waits for one, and the result counts the waits (generator.connections).
 */
export function defaultMaxConnections(rate: number, maxInFlight: number, budget = socketBudget()): number {
  return Math.max(1, Math.min(budget, maxInFlight, Math.max(64, Math.ceil((rate * POOL_LATENCY_MS) / 1000))));
}

export function openModel(
  rate: number,
  timeoutMs: number,
  set: { maxInFlight?: number | undefined; maxConnections?: number | undefined } = {},
): Extract<LoadModel, { kind: 'open' }> {
  const maxInFlight = set.maxInFlight ?? defaultMaxInFlight(rate, timeoutMs);
  return {
    kind: 'open',
    rate,
    maxInFlight,
    maxConnections: set.maxConnections ?? defaultMaxConnections(rate, maxInFlight),
  };
}

export function loadModelOf(
  p: Pick<LoadProfile, 'connections' | 'rate' | 'maxInFlight' | 'maxConnections' | 'timeout'>,
): LoadModel {
  if (p.rate !== undefined) return openModel(p.rate, p.timeout, p);
  return { kind: 'closed', connections: p.connections ?? 10 };
}
