/**
 * OTLP/HTTP metrics export of a run's results, built with the OpenTelemetry JS SDK so that APM
 * backends (New Relic, Grafana Cloud, Honeycomb…) ingest them without a vendor SDK. The same
 * names as the Prometheus export (dots instead of underscores, per OpenTelemetry convention),
 * recorded as gauges with the profile and quantile as attributes, flushed once.
 */
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode } from '@opentelemetry/core';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { RunResult } from '../model/result.js';
import { assertTargetAllowed } from '../sut/target.js';
import { VERSION } from '../version.js';

export interface OtlpOptions {
  url: string;
  /** Extra headers (e.g. an API key), parsed from the env var named in export.otlp.headersEnv: "k=v,k2=v2". */
  headers?: Record<string, string>;
  allow: readonly string[];
  timeoutMs?: number;
}

export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = decodeURIComponent(pair.slice(i + 1).trim());
  }
  return out;
}

export async function exportOtlp(result: RunResult, options: OtlpOptions): Promise<void> {
  await assertTargetAllowed(options.url, options.allow, 'export.otlp.url');
  const exporter = new OTLPMetricExporter({
    url: options.url,
    headers: options.headers ?? {},
    timeoutMillis: options.timeoutMs ?? 10_000,
  });
  // The SDK hands a failed export to its global error handler (a no-op logger) and resolves
  // shutdown() anyway; watch the exporter's verdict so that a refused export is not reported as sent.
  let outcome: { ok: true } | { ok: false; error: Error } | undefined;
  const watched: PushMetricExporter = {
    export: (metrics, done) =>
      exporter.export(metrics, (r) => {
        outcome =
          r.code === ExportResultCode.SUCCESS
            ? { ok: true }
            : { ok: false, error: r.error ?? new Error('the collector did not accept the metrics') };
        done(r);
      }),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    selectAggregationTemporality: (kind) => exporter.selectAggregationTemporality(kind),
  };
  const reader = new PeriodicExportingMetricReader({
    exporter: watched,
    exportIntervalMillis: 60_000,
    exportTimeoutMillis: options.timeoutMs ?? 10_000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'perfgate',
      'service.version': VERSION,
      'vcs.ref.head.name': result.git.branch ?? 'unknown',
      'vcs.ref.head.revision': result.git.sha ?? 'unknown',
    }),
    readers: [reader],
  });
  const meter = provider.getMeter('perfgate', VERSION);
  const gauge = (name: string, unit: string, description: string) => meter.createGauge(name, { unit, description });
  const latency = gauge('perfgate.latency', 's', 'Latency quantiles of the measured window');
  const throughput = gauge('perfgate.throughput', '{request}/s', 'Completed requests per second');
  const requests = gauge('perfgate.requests', '{request}', 'Requests completed in the measured window');
  const errors = gauge('perfgate.errors', '{request}', 'Failed requests by class');
  const passed = gauge('perfgate.profile.passed', '1', '1 when the profile passed its gates');
  const capacity = gauge('perfgate.stress.max_sustainable', '{request}/s', 'Highest load that met the SLO');
  for (const p of result.profiles) {
    const at = { profile: p.name };
    for (const [q, v] of [
      ['0.5', p.latency.p50],
      ['0.9', p.latency.p90],
      ['0.99', p.latency.p99],
      ['0.999', p.latency.p999],
      ['1', p.latency.max],
    ] as const)
      latency.record(v / 1000, { ...at, quantile: q });
    throughput.record(p.throughput.rps, at);
    requests.record(p.requests.total, at);
    for (const [cls, n] of Object.entries(p.errors.byClass)) errors.record(n, { ...at, class: cls });
    passed.record(p.status === 'pass' ? 1 : 0, at);
    if (p.stress?.maxSustainableRps != null) capacity.record(p.stress.maxSustainableRps, at);
  }
  // Shutting the provider down collects and exports once, then closes the exporter.
  await provider.shutdown();
  if (!outcome) throw new Error(`no answer from ${options.url} within ${(options.timeoutMs ?? 10_000) / 1000}s`);
  if (!outcome.ok) throw new Error(`${options.url}: ${outcome.error.message}`);
}
