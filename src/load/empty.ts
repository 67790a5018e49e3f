import { emptyErrorClasses } from '../model/result.js';
import type { LoadMeasurement } from './types.js';

/** The measurement of a profile that sent no load (robustness checks, a profile that never ran). */
export function emptyMeasurement(): Omit<LoadMeasurement, 'startedAt'> {
  return {
    durationSec: 0,
    warmupSec: 0,
    requests: { total: 0, ok: 0, dropped: 0 },
    errors: { total: 0, byClass: emptyErrorClasses(), byStatus: {}, samples: [] },
    throughput: { rps: 0, bytesPerSec: 0 },
    latency: { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
    timeline: [],
  };
}
