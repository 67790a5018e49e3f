/**
 * Merges the results of shards that loaded the same SUT at the same time into one result:
 * HDR histograms are added (so percentiles are exact, not averages of percentiles), counts and
 * rates summed, timelines aligned by wall-clock second, SLO checks evaluated again on the merged
 * numbers.
 */
import * as hdr from 'hdr-histogram-js';
import { DataError } from '../errors.js';
import { judgeSlo, recheckSlo, statusWithSaturatedGenerator } from '../verdict/slo.js';
import { worstStatus } from '../verdict/status.js';
import {
  emptyErrorClasses,
  type EndpointResult,
  type Latency,
  type ProfileResult,
  type RunResult,
  type TimelinePoint,
} from '../model/result.js';

export function mergeHistograms(encoded: readonly string[]): hdr.Histogram {
  const merged = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const e of encoded) merged.add(hdr.decodeFromCompressedBase64(e));
  return merged;
}

function latencyOf(h: hdr.Histogram, parts: readonly { latency: Latency; requests: { total: number } }[]): Latency {
  const n = h.totalCount;
  const pct = (p: number) => (n ? h.getValueAtPercentile(p) / 1000 : 0);
  const count = (p: { requests: { total: number } }) => p.requests.total;
  const total = parts.reduce((s, p) => s + count(p), 0) || 1;
  const mean = parts.reduce((s, p) => s + p.latency.mean * count(p), 0) / total;
  // Pooled standard deviation: within-shard variance plus the spread of the shard means.
  const variance =
    parts.reduce((s, p) => s + count(p) * (p.latency.stdev ** 2 + (p.latency.mean - mean) ** 2), 0) / total;
  return {
    min: n ? h.minNonZeroValue / 1000 : 0,
    mean,
    stdev: Math.sqrt(variance),
    p50: pct(50),
    p90: pct(90),
    p95: pct(95),
    p99: pct(99),
    p999: pct(99.9),
    max: n ? h.maxValue / 1000 : 0,
  };
}

function mergeTimelines(parts: readonly ProfileResult[]): TimelinePoint[] {
  const starts = parts.map((p) => Date.parse(p.startedAt) + p.warmupSec * 1000);
  const origin = starts.reduce((min, t) => Math.min(min, t), Infinity);
  const seconds = new Map<
    number,
    { rps: number; errors: number; p50w: number; p99: number; histograms: string[]; exact: boolean }
  >();
  parts.forEach((p, i) => {
    const offset = Math.round(((starts[i] ?? origin) - origin) / 1000);
    for (const pt of p.timeline) {
      const t = pt.t + offset;
      const s = seconds.get(t) ?? { rps: 0, errors: 0, p50w: 0, p99: 0, histograms: [], exact: true };
      s.rps += pt.rps;
      s.errors += pt.errors;
      s.p50w += pt.p50 * pt.rps;
      s.p99 = Math.max(s.p99, pt.p99);
      if (pt.histogram) s.histograms.push(pt.histogram);
      else if (pt.rps > 0) s.exact = false;
      seconds.set(t, s);
    }
  });
  return [...seconds.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, s]) => {
      // Shards run with --shard keep each second's histogram: merged exactly, like the whole window.
      if (s.exact && s.histograms.length) {
        const h = mergeHistograms(s.histograms);
        return {
          t,
          rps: s.rps,
          errors: s.errors,
          p50: h.getValueAtPercentile(50) / 1000,
          p99: h.getValueAtPercentile(99) / 1000,
        };
      }
      // Results without them (older perfgate): p50 request-weighted, p99 the shards' highest.
      return { t, rps: s.rps, errors: s.errors, p50: s.rps ? s.p50w / s.rps : 0, p99: s.p99 };
    });
}

/** Errors over the shards: counts by class and status added, the first samples of each kept. */
function mergeErrors(parts: readonly { errors: ProfileResult['errors'] }[]): ProfileResult['errors'] {
  const byClass = emptyErrorClasses();
  const byStatus: Record<string, number> = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.errors.byClass)) byClass[k as keyof typeof byClass] += v;
    for (const [k, v] of Object.entries(p.errors.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
  }
  return {
    total: parts.reduce((s, p) => s + p.errors.total, 0),
    byClass,
    byStatus,
    samples: [...new Set(parts.flatMap((p) => p.errors.samples))].slice(0, 10),
  };
}

/** Each endpoint over the shards, by name: counts added, histograms merged exactly. */
function mergeEndpoints(parts: readonly ProfileResult[]): EndpointResult[] {
  const names = [...new Set(parts.flatMap((p) => (p.endpoints ?? []).map((e) => e.name)))];
  return names.map((name) => {
    const same = parts.flatMap((p) => p.endpoints?.filter((e) => e.name === name) ?? []);
    const first = same[0] as EndpointResult;
    const h = mergeHistograms(same.flatMap((e) => (e.histogram ? [e.histogram] : [])));
    const sum = (f: (e: EndpointResult) => number) => same.reduce((s, e) => s + f(e), 0);
    return {
      name,
      method: first.method,
      path: first.path,
      requests: { total: sum((e) => e.requests.total), ok: sum((e) => e.requests.ok) },
      errors: mergeErrors(same),
      throughput: { rps: sum((e) => e.throughput.rps), bytesPerSec: sum((e) => e.throughput.bytesPerSec) },
      latency: latencyOf(h, same),
      ...(h.totalCount ? { histogram: hdr.encodeIntoCompressedBase64(h) } : {}),
    };
  });
}

export function mergeProfile(parts: readonly ProfileResult[]): ProfileResult {
  const first = parts[0];
  if (!first) throw new DataError('nothing to merge');
  const missing = parts.filter((p) => !p.histogram && p.requests.total > 0);
  if (missing.length)
    throw new DataError(
      `profile ${first.name}: a shard's result has no latency histogram, so percentiles cannot be merged exactly`,
    );
  const h = mergeHistograms(parts.flatMap((p) => (p.histogram ? [p.histogram] : [])));
  const sum = (f: (p: ProfileResult) => number) => parts.reduce((s, p) => s + f(p), 0);
  const merged: ProfileResult = {
    ...first,
    reasons: [],
    ...(first.connections !== undefined ? { connections: sum((p) => p.connections ?? 0) } : {}),
    ...(first.rate !== undefined ? { rate: sum((p) => p.rate ?? 0) } : {}),
    startedAt: parts.map((p) => p.startedAt).sort()[0] ?? first.startedAt,
    durationSec: parts.reduce((max, p) => Math.max(max, p.durationSec), 0),
    requests: {
      total: sum((p) => p.requests.total),
      ok: sum((p) => p.requests.ok),
      dropped: sum((p) => p.requests.dropped),
    },
    errors: mergeErrors(parts),
    throughput: { rps: sum((p) => p.throughput.rps), bytesPerSec: sum((p) => p.throughput.bytesPerSec) },
    latency: latencyOf(h, parts),
    ...(h.totalCount ? { histogram: hdr.encodeIntoCompressedBase64(h) } : {}),
    timeline: mergeTimelines(parts),
    ...(parts.some((p) => p.endpoints) ? { endpoints: mergeEndpoints(parts) } : {}),
  };
  delete merged.degradation;
  delete merged.resources;
  merged.slo = recheckSlo(first.slo.checks, merged);
  const verdict = judgeSlo(merged.slo.checks);
  const generatorSaturated = parts.some((p) => p.generator?.saturated);
  merged.status = parts.some((p) => p.status === 'error')
    ? 'error'
    : generatorSaturated
      ? statusWithSaturatedGenerator(verdict.status, merged.slo.checks, merged.errors)
      : verdict.status;
  merged.reasons = verdict.reasons;
  if (verdict.warnings.length) merged.warnings = verdict.warnings;
  else delete merged.warnings;
  if (generatorSaturated) merged.reasons.push("a shard's load generator was saturated");
  return merged;
}

export function mergeResults(results: readonly RunResult[]): RunResult {
  const first = results[0];
  if (!first) throw new DataError('perfgate merge: no results given');
  const names = [...new Set(results.flatMap((r) => r.profiles.map((p) => p.name)))];
  const profiles = names.map((n) => mergeProfile(results.flatMap((r) => r.profiles.filter((p) => p.name === n))));
  const started = results.map((r) => r.startedAt).sort()[0] ?? first.startedAt;
  const finished =
    results
      .map((r) => r.finishedAt)
      .sort()
      .at(-1) ?? first.finishedAt;
  return {
    ...first,
    status: results.some((r) => r.status === 'error') ? 'error' : worstStatus(profiles.map((p) => p.status)),
    reasons: profiles.flatMap((p) => p.reasons.map((r) => `${p.name}: ${r}`)),
    warnings: profiles.flatMap((p) => (p.warnings ?? []).map((w) => `${p.name}: ${w}`)),
    startedAt: started,
    finishedAt: finished,
    durationMs: Date.parse(finished) - Date.parse(started),
    profiles,
    bottlenecks: [],
    suggestions: [],
    notices: [`merged from ${results.length} shards`],
  };
}
