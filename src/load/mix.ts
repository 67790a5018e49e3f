import type { RequestSpec } from '../config/sections/request.js';

export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** An object or array body is sent as JSON with a JSON content type unless one is given. */
export function prepareRequest(spec: Pick<RequestSpec, 'method' | 'path' | 'headers' | 'body'>): PreparedRequest {
  const headers = { ...spec.headers };
  let body: string | undefined;
  if (typeof spec.body === 'string') body = spec.body;
  else if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  return { method: spec.method, path: spec.path, headers, body };
}

/** Longest cycle the weighted mix is spread over; weights are scaled to fit it. */
const MAX_CYCLE = 1000;

/**
 * The request mix as a fixed cycle in which each request appears in proportion to its weight,
 * spread out by smooth weighted round-robin (nginx's algorithm) rather than in runs, so that any
 * stretch of the cycle has nearly the right mix. A cycle, not random draws: every run sends the
 * same sequence, which keeps runs comparable.
 */
export function weightedCycle<T extends { weight: number }>(items: readonly T[]): T[] {
  if (items.length === 0) return [];
  const total = items.reduce((s, i) => s + i.weight, 0);
  const integral = items.every((i) => Number.isInteger(i.weight)) && total <= MAX_CYCLE;
  const counts = items.map((i) =>
    integral ? i.weight : Math.max(1, Math.round((i.weight / total) * Math.min(MAX_CYCLE, 100 * items.length))),
  );
  const divisor = counts.reduce((g, c) => gcd(g, c), 0);
  const weights = counts.map((c) => c / divisor);
  const length = weights.reduce((s, w) => s + w, 0);
  const current = weights.map(() => 0);
  const out: T[] = [];
  for (let n = 0; n < length; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] = (current[i] ?? 0) + (weights[i] ?? 0);
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    }
    current[best] = (current[best] ?? 0) - length;
    out.push(items[best] as T);
  }
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
