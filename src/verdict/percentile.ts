/**
 * Any latency percentile of a measurement, in ms. The summary's own field when it has one (p50,
 * p90, p95, p99, p999: read from the same histogram when it was recorded), else read from the
 * profile's HDR histogram, so that a p97.5 limit is as exact as a p99 one.
 */
import * as hdr from 'hdr-histogram-js';
import { percentileOf, type PercentileName } from '../model/percentiles.js';
import type { Latency, ProfileResult } from '../model/result.js';

type WithLatency = Pick<ProfileResult, 'latency' | 'histogram'> & { requests: { total: number } };

const SUMMARY_FIELDS: Partial<Record<PercentileName, keyof Latency>> = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  p999: 'p999',
};

/**
 * A reader of percentiles by name; the histogram is decoded once, on the first name that needs
 * it. It reads null when neither the summary nor a histogram has the percentile (a result
 * without histogram: written by hand, or by another tool); 0 when nothing was answered, as the
 * summary's own fields read then.
 */
export function percentileReader(m: WithLatency): (name: PercentileName) => number | null {
  let histogram: hdr.Histogram | undefined;
  return (name) => {
    const field = SUMMARY_FIELDS[name];
    const summarized = field === undefined ? undefined : m.latency[field];
    if (summarized !== undefined) return summarized;
    const q = percentileOf(name);
    if (q === undefined) return null;
    if (m.histogram) {
      histogram ??= hdr.decodeFromCompressedBase64(m.histogram);
      return histogram.getValueAtPercentile(q) / 1000;
    }
    return m.requests.total === 0 ? 0 : null;
  };
}
