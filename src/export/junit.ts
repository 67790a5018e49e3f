/**
 * JUnit XML for CI systems and test-report viewers: one test suite per profile, one test case
 * per gate (each SLO check, each compared metric with a threshold), plus one case for the
 * profile itself so that a profile that could not run shows as an error. Written by hand: the
 * format is a few elements, and the XML packages on npm are far larger than this file.
 */
import { describeCheck } from '../verdict/slo.js';
import type { RunResult } from '../model/result.js';

function escapeXml(text: string): string {
  // Characters XML 1.0 forbids are dropped; the five specials are entities. The control
  // characters in the class are the ones XML allows (tab, newline, carriage return).
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

interface Case {
  name: string;
  time: number;
  failure?: string;
  error?: string;
  /** A miss of a `level: warn` gate: the case passes, the miss is in its output. */
  warning?: string;
}

export function buildJunitXml(result: RunResult): string {
  const suites = result.profiles.map((p) => {
    const cases: Case[] = [];
    cases.push({
      name: `${p.name} ran`,
      time: p.durationSec,
      ...(p.status === 'error' ? { error: p.reasons.join('\n') || 'the profile could not run' } : {}),
    });
    for (const c of p.slo.checks)
      cases.push({
        name: `SLO ${c.metric} ${/\(limit .*\)$/.exec(describeCheck(c))?.[0] ?? ''}`.trim(),
        time: 0,
        ...(c.pass ? {} : c.level === 'warn' ? { warning: describeCheck(c) } : { failure: describeCheck(c) }),
      });
    for (const m of result.comparison?.metrics.filter((x) => x.profile === p.name && x.threshold !== undefined) ?? []) {
      const miss = `${m.metric} ratio ${m.ratio.toFixed(3)} (CI ${m.ci[0].toFixed(3)}–${m.ci[1].toFixed(3)}) past the ${((m.threshold ?? 0) * 100).toFixed(1)}% threshold`;
      cases.push({
        name: `regression gate ${m.metric}`,
        time: 0,
        ...(m.verdict === 'regression' ? (m.level === 'warn' ? { warning: miss } : { failure: miss }) : {}),
      });
    }
    if (p.stress?.recovery && !p.stress.recovery.recovered)
      cases.push({ name: 'recovery after the peak', time: 0, failure: p.stress.recovery.reason ?? 'did not recover' });
    return { name: p.name, cases };
  });
  const count = (f: (c: Case) => boolean) => suites.reduce((s, x) => s + x.cases.filter(f).length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="perfgate" tests="${count(() => true)}" failures="${count((c) => c.failure !== undefined)}" errors="${count((c) => c.error !== undefined)}" time="${(result.durationMs / 1000).toFixed(3)}">`,
  ];
  for (const s of suites) {
    lines.push(
      `  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${s.cases.filter((c) => c.failure).length}" errors="${s.cases.filter((c) => c.error).length}" timestamp="${escapeXml(result.startedAt)}">`,
    );
    for (const c of s.cases) {
      const open = `    <testcase classname="perfgate.${escapeXml(s.name)}" name="${escapeXml(c.name)}" time="${c.time.toFixed(3)}"`;
      if (c.failure)
        lines.push(
          `${open}>`,
          `      <failure message="${escapeXml(c.failure.split('\n')[0] ?? '')}">${escapeXml(c.failure)}</failure>`,
          '    </testcase>',
        );
      else if (c.error)
        lines.push(
          `${open}>`,
          `      <error message="${escapeXml(c.error.split('\n')[0] ?? '')}">${escapeXml(c.error)}</error>`,
          '    </testcase>',
        );
      else if (c.warning)
        lines.push(
          `${open}>`,
          `      <system-out>${escapeXml(`warning (level: warn): ${c.warning}`)}</system-out>`,
          '    </testcase>',
        );
      else lines.push(`${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
