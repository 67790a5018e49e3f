/** The stress and robustness parts of the markdown report (each profile's section, in the details). */
import { markdownTable } from 'markdown-table';
import type { ProfileResult } from '../model/result.js';
import { formatCount, formatMs, formatPercent, formatRate, formatSeconds, formatThroughput } from './numbers.js';
import { escapeMarkdown } from './escape.js';
import { describeFirstLimit } from '../stress/limit.js';

export function stressSection(p: ProfileResult): string[] {
  const s = p.stress;
  if (!s) return [];
  const out: string[] = [''];
  const capacity =
    s.maxSustainableRps === null
      ? 'no step met the SLO'
      : `**${formatThroughput(s.maxSustainableRps)}**${s.maxSustainableConnections ? ` at ${formatCount(s.maxSustainableConnections)} connections` : ''}`;
  const firstLimit = describeFirstLimit(s.steps);
  out.push(
    `Max sustainable load: ${capacity}. Stopped by **${escapeMarkdown(s.breakingPoint.reason)}**: ${escapeMarkdown(s.breakingPoint.detail)}.${firstLimit ? ` ${escapeMarkdown(firstLimit)}.` : ''}`,
  );
  if (s.recovery) {
    out.push(
      '',
      s.recovery.recovered
        ? s.recovery.seconds
          ? `Recovered ${formatSeconds(s.recovery.seconds)} after dropping to low load.`
          : 'Recovered at once after dropping to low load.'
        : `⚠️ Did not recover: ${escapeMarkdown(s.recovery.reason ?? 'unknown')}.`,
    );
  }
  if (s.exhaustion.length)
    out.push(
      '',
      'What ran out:',
      ...s.exhaustion.map((e) => `- **${escapeMarkdown(e.resource)}**: ${escapeMarkdown(e.detail)}`),
    );
  const rows = s.steps.map((st, i) => [
    String(i + 1),
    st.connections !== undefined ? `${formatCount(st.connections)} conns` : formatThroughput(st.offered),
    formatRate(st.achievedRps),
    formatMs(st.p50),
    formatMs(st.p99),
    formatPercent(st.errorRate),
    `${st.metSlo ? '✅' : '❌'}${st.generatorSaturated ? ' ⚠️ generator' : ''}${s.breakingPoint.step === i ? ' ← break' : ''}`,
    st.limitedBy ? escapeMarkdown(st.limitedBy.resource) : '',
  ]);
  out.push(
    '',
    '<details><summary>Steps</summary>',
    '',
    markdownTable([['step', 'offered', 'achieved req/s', 'p50', 'p99', 'errors', 'SLO', 'limited by'], ...rows], {
      align: ['r', 'l', 'r', 'r', 'r', 'r', 'l', 'l'],
    }),
    '',
    '</details>',
  );
  return out;
}

export function robustnessSection(p: ProfileResult): string[] {
  const r = p.robustness;
  if (!r) return [];
  const rows = r.cases.map((c) => [
    `${c.handled ? '✅' : '❌'} ${escapeMarkdown(c.name)}`,
    escapeMarkdown(c.request.slice(0, 120)),
    escapeMarkdown(c.detail),
  ]);
  return [
    '',
    markdownTable([['bad request', 'sent', 'outcome'], ...rows]),
    '',
    r.healthyAfter
      ? 'Health check after the bad requests: ✅ answered.'
      : 'Health check after the bad requests: ❌ failed.',
  ];
}
