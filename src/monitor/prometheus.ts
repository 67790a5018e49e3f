/**
 * Scrapes the SUT's Prometheus endpoints during a profile (read-only GETs) and keeps the listed
 * series. The text exposition format is parsed by hand: it is a line format with a small
 * grammar (`name{label="value",…} value [timestamp]`, `#` comments), and prom-client, the
 * maintained Node package, produces it but does not parse it.
 */
import { fetchOutbound } from '../net/fetch.js';
import { assertTargetAllowed } from '../sut/target.js';

/** Largest scrape read: a busy exporter's page is a few MiB; more is a misconfigured endpoint. */
const MAX_SCRAPE_BYTES = 16 * 1024 * 1024;

export interface MetricSample {
  /** `name{labels}` as written (labels sorted), the series' identity. */
  series: string;
  name: string;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?\s*$/;

function parseLabels(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)))
    out.push([m[1] ?? '', (m[2] ?? '').replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c))]);
  return out.sort(([a], [b]) => a.localeCompare(b));
}

export function parseExposition(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m?.[1] || m[4] === undefined) continue;
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (Number.isNaN(value) && m[4] !== 'NaN') continue;
    const labels = m[3] ? parseLabels(m[3]) : [];
    out.push({
      name: m[1],
      series: labels.length ? `${m[1]}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}` : m[1],
      value,
    });
  }
  return out;
}

/** `pool_size` matches that name exactly; `pg_pool_*` matches by prefix. */
export function seriesMatcher(patterns: readonly string[]): (name: string) => boolean {
  return (name) => patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

export class PrometheusScraper {
  private readonly points = new Map<string, [number, number][]>();
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private readonly errors: string[] = [];

  private constructor(
    private readonly urls: string[],
    private readonly keep: (name: string) => boolean,
    private readonly intervalMs: number,
    private readonly allow: readonly string[],
  ) {}

  static async create(
    baseUrl: string,
    endpoints: readonly string[],
    series: readonly string[],
    intervalMs: number,
    allow: readonly string[],
  ): Promise<PrometheusScraper> {
    const urls = endpoints.map((e) => (/^https?:\/\//.test(e) ? e : baseUrl.replace(/\/$/, '') + e));
    for (const u of urls) await assertTargetAllowed(u, allow, 'monitor.prometheus.endpoints');
    return new PrometheusScraper(urls, seriesMatcher(series), intervalMs, allow);
  }

  start(): void {
    this.t0 = performance.now();
    void this.scrape();
    this.timer = setInterval(() => void this.scrape(), this.intervalMs);
    this.timer.unref();
  }

  private async scrape(): Promise<void> {
    const t = (performance.now() - this.t0) / 1000;
    for (const url of this.urls) {
      try {
        const res = await fetchOutbound(url, {
          field: 'monitor.prometheus.endpoints',
          allow: this.allow,
          maxBytes: MAX_SCRAPE_BYTES,
          timeoutMs: Math.max(500, this.intervalMs),
        });
        if (!res.ok) throw new Error(`answered ${res.status}`);
        for (const s of parseExposition(res.text)) {
          if (!this.keep(s.name) || !Number.isFinite(s.value)) continue;
          const list = this.points.get(s.series) ?? [];
          list.push([Math.round(t * 1000) / 1000, s.value]);
          this.points.set(s.series, list);
        }
      } catch (e) {
        const message = (e as Error).message;
        // fetchOutbound's errors already begin with the URL.
        if (this.errors.length < 3) this.errors.push(message.startsWith(url) ? message : `${url}: ${message}`);
      }
    }
  }

  async stop(): Promise<{ metrics: { series: string; points: [number, number][] }[]; errors: string[] }> {
    if (this.timer) clearInterval(this.timer);
    await this.scrape();
    return {
      metrics: [...this.points].map(([series, points]) => ({ series, points })).slice(0, 50),
      errors: this.errors,
    };
  }
}
