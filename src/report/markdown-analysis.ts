/**
 * Bottlenecks, suggestions and resource usage in the markdown report: the bottlenecks and
 * suggestions right after the tables that decided the run, resources and trends in the details.
 */
import { markdownTable } from 'markdown-table';
import type { ProfileResult, RunResult } from '../model/result.js';
import { escapeInHtmlBlock, escapeMarkdown, inlineCode } from './escape.js';
import { formatBytes, formatCount, formatMs, formatPercent, NOT_MEASURED, signedPercent } from './numbers.js';
import { trendChart } from './mermaid.js';

export function bottleneckSection(result: RunResult): string[] {
  if (result.bottlenecks.length === 0) return [];
  const out = ['', '### Bottlenecks', ''];
  for (const b of result.bottlenecks) {
    out.push(
      `- **${escapeMarkdown(b.kind)}** in ${escapeMarkdown(b.profile)} (confidence ${formatPercent(b.confidence, 0)}): ${b.evidence.map(escapeMarkdown).join('; ')}`,
    );
  }
  return out;
}

export function suggestionSection(result: RunResult): string[] {
  if (result.suggestions.length === 0) return [];
  const out = ['', "### Suggestions (need a human's review; perfgate applies nothing)", ''];
  for (const s of result.suggestions) {
    out.push(
      // A <summary> line is an HTML block: entities, not backslashes (which GitHub would show).
      `<details><summary>🔍 ${escapeInHtmlBlock(`${s.category}: ${s.title}${s.profile ? ` (${s.profile})` : ''}`)}</summary>`,
      '',
      `Expected impact: ${escapeMarkdown(s.expectedImpact)}`,
      '',
      ...s.evidence.map((e) => `- ${escapeMarkdown(e)}`),
      '',
      '</details>',
    );
  }
  return out;
}

/** One row per profile that has resource samples: peak CPU, peak RSS, event-loop delay. */
export function resourceSection(profiles: readonly ProfileResult[]): string[] {
  const rows = profiles
    .filter((p) => p.resources && p.resources.samples.length > 0)
    .map((p) => {
      const s = p.resources?.samples ?? [];
      const peak = (f: (x: (typeof s)[number]) => number | undefined) => Math.max(0, ...s.map((x) => f(x) ?? 0));
      const eld = peak((x) => x.eventLoopDelayMs);
      const fds = peak((x) => x.fds);
      return [
        escapeMarkdown(p.name),
        formatPercent(peak((x) => x.cpuPercent) / 100, 0),
        formatBytes(peak((x) => x.rssBytes)),
        eld ? formatMs(eld) : NOT_MEASURED,
        fds ? formatCount(fds) : NOT_MEASURED,
      ];
    });
  if (rows.length === 0) return [];
  return [
    '',
    '#### Resources of the SUT',
    '',
    markdownTable([['profile', 'peak CPU', 'peak RSS', 'event-loop delay', 'open fds'], ...rows], {
      align: ['l', 'r', 'r', 'r', 'r'],
    }),
  ];
}

/** History trends as Mermaid charts (p50 and throughput per profile), step changes named. */
export function trendSection(result: RunResult): string[] {
  const series = (result.trends ?? []).slice(0, 8);
  const charts = series.flatMap((t) => {
    const unit = t.metric === 'throughput' ? 'req per s' : t.metric === 'errorRate' ? 'error rate' : 'ms';
    const c = trendChart(
      `${t.profile}: ${t.metric} over the last ${t.points.length} results`,
      t.points.map((p) => ({ label: p.sha, value: p.value })),
      unit,
    );
    return c ? [c] : [];
  });
  if (charts.length === 0) return [];
  const steps = series.flatMap((t) =>
    t.steps.map(
      (s) =>
        `- ${escapeMarkdown(t.profile)} ${escapeMarkdown(t.metric)} stepped ${signedPercent(s.change)} at ${inlineCode(s.sha.slice(0, 12))}`,
    ),
  );
  return [
    '',
    '<details><summary>Trend over the stored history</summary>',
    '',
    ...(steps.length ? [...steps, ''] : []),
    charts.join('\n\n'),
    '',
    '</details>',
  ];
}
