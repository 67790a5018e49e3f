/**
 * Latency percentiles by name, as perfgate.yml, result.json and the reports spell them: `pNN` or
 * `pNN.N` for any 0 < NN < 100 (p50, p95, p99.9, p99.99). `p999` is the name the 99.9th percentile
 * had before any percentile could be written (result.json's latency.p999, SLO checks and baselines
 * of earlier runs): it stays accepted and stays the name results use, so that `p999` and `p99.9`
 * in two versions of a config are the same limit, not a dropped one and a new one.
 */
export type PercentileName = `p${string}`;

const PERCENTILE = /^p(\d{1,2})(?:\.(\d+))?$/;

/** The forms accepted, for messages and the JSON Schema. */
export const PERCENTILE_FORMS = 'pNN or pNN.N with 0 < NN < 100 (p50, p95, p99.9; p999 is p99.9)';

/** The JSON Schema pattern of a percentile key, p999 included. */
export const PERCENTILE_PATTERN = '^p(\\d{1,2}(\\.\\d+)?|999)$';

/**
 * The canonical name of the percentile a key names (`p95.0` → `p95`, `p05` → `p5`, `p99.9` →
 * `p999`), or undefined when the key names none (`p0`, `p100`, `P95`, `latency`).
 */
export function percentileName(key: string): PercentileName | undefined {
  if (key === 'p999') return 'p999';
  const m = PERCENTILE.exec(key);
  if (!m) return undefined;
  const whole = String(Number(m[1]));
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  const name: PercentileName = `p${whole}${fraction ? `.${fraction}` : ''}`;
  const q = percentileOf(name);
  if (q === undefined || q <= 0) return undefined;
  return name === 'p99.9' ? 'p999' : name;
}

/** The percentile (0 < q < 100) of a canonical name, e.g. 95 for `p95`, 99.9 for `p999`. */
export function percentileOf(name: string): number | undefined {
  if (name === 'p999') return 99.9;
  const m = PERCENTILE.exec(name);
  return m ? Number(`${m[1]}.${m[2] ?? '0'}`) : undefined;
}

/** How a reader sees a percentile's name: `p999` as `p99.9`, the others as they are. */
export function percentileLabel(name: string): string {
  return name === 'p999' ? 'p99.9' : name;
}

/** Percentile names in increasing order of the percentile. */
export function byPercentile(a: string, b: string): number {
  return (percentileOf(a) ?? 0) - (percentileOf(b) ?? 0);
}
