/**
 * HTTP hygiene after each load profile: one GET per distinct path (at most three), sent once the
 * profile's load and its sampling are over, so that the probes are not part of the measurement.
 */
import type { Collector } from '../collector.js';
import { probeHttp } from '../http-hygiene.js';
import type { HygieneFinding } from '../../model/hygiene.js';

export function hygieneCollector(): Collector {
  return {
    name: 'http-hygiene',
    async stop({ profile, sut }) {
      if (profile.kind !== 'load' || sut.exit()) return {};
      const paths = [...new Set(profile.requests.filter((r) => r.method === 'GET').map((r) => r.path))].slice(0, 3);
      const found = await Promise.all(paths.map((p) => probeHttp(sut.url, p)));
      return { hygiene: found.filter((f): f is HygieneFinding => f !== undefined) };
    },
  };
}
