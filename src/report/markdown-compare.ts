/** The comparison section of the markdown report (baseline or same-runner A/B). */
import { cells, HEADER } from '../compare/format.js';
import type { Comparison } from '../model/compare.js';
import { escapeMarkdown, inlineCode } from './escape.js';

export function comparisonSection(c: Comparison): string[] {
  const title =
    c.method === 'ab'
      ? 'Same-runner A/B (base vs head)'
      : `Comparison with the baseline${c.baseline?.sha ? ` (${inlineCode(c.baseline.sha.slice(0, 7))})` : ''}`;
  const out = ['', `### ${title}`, '', `| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const m of c.metrics) out.push(`| ${cells(m).map(escapeMarkdown).join(' | ')} |`);
  out.push(
    '',
    'MDE: the smallest change this run could detect with 95% power at its own noise level. Gate: fails only on a significant regression past it.',
  );
  for (const w of c.warnings) out.push(`- ⚠️ ${escapeMarkdown(w)}`);
  return out;
}
