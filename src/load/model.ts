/** The load model of a profile's settings: closed (concurrent users) or open (arrival rate). */
import type { LoadProfile } from '../config/sections/load.js';
import { socketBudget } from './capacity.js';
import type { LoadModel } from './types.js';

/**
 * Open model: enough requests in flight for `timeout` worth of arrivals, at least 64, and never
 * more sockets than the process may open (`rate: 16000` with a 10 s timeout asked for 160,000).
 */
export function defaultMaxInFlight(rate: number, timeoutMs: number, budget = socketBudget()): number {
  return Math.min(budget, Math.max(64, Math.ceil((rate * timeoutMs) / 1000)));
}

export function loadModelOf(p: Pick<LoadProfile, 'connections' | 'rate' | 'maxInFlight' | 'timeout'>): LoadModel {
  if (p.rate !== undefined)
    return { kind: 'open', rate: p.rate, maxInFlight: p.maxInFlight ?? defaultMaxInFlight(p.rate, p.timeout) };
  return { kind: 'closed', connections: p.connections ?? 10 };
}
