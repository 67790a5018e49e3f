/** The JUnit XML export and the --log-format flag; both through a real run: log-format.e2e.test.ts. */
import { describe, expect, it } from 'vitest';
import { buildJunitXml } from '../../src/export/junit.js';
import { extractLogFormat } from '../../src/log/json.js';
import { profile, result } from '../helpers/results.js';

describe('JUnit XML', () => {
  it('has one case per gate, failures for broken SLOs, an error for a profile that could not run, and escaped names', () => {
    const xml = buildJunitXml(
      result([
        profile('ok'),
        profile('slow <&> "x"', {
          status: 'fail',
          slo: {
            pass: false,
            checks: [
              { metric: 'p99', limit: 50, actual: 80, unit: 'ms', pass: false },
              { metric: 'errorRate', limit: 0.01, actual: 0, unit: 'ratio', pass: true },
            ],
          },
        }),
        profile('broken', { status: 'error', reasons: ['the SUT exited'], slo: { pass: false, checks: [] } }),
      ]),
    );
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="perfgate" tests="6" failures="1" errors="1"/,
    );
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(3);
    expect(xml).toContain('<testsuite name="slow &lt;&amp;&gt; &quot;x&quot;" tests="3" failures="1" errors="0"');
    expect(xml).toContain('name="SLO p99 (limit ≤ 50.0 ms)"');
    expect(xml).toContain('<failure message="p99 80.0 ms (limit ≤ 50.0 ms)">');
    expect(xml).toContain('<error message="the SUT exited">');
    expect(xml).not.toMatch(/<[^>]*"x"/);
  });
});

describe('--log-format', () => {
  it('is taken out of the arguments of any command', () => {
    expect(extractLogFormat(['run', '--log-format', 'json', '-c', 'x.yml'])).toEqual({
      argv: ['run', '-c', 'x.yml'],
      format: 'json',
    });
    expect(extractLogFormat(['run', '--log-format=text'])).toEqual({ argv: ['run'], format: 'text' });
  });
});
