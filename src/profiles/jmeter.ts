/**
 * A `kind: jmeter` profile: runs an existing .jmx plan in non-GUI mode, then reads its JTL into
 * the same result model as perfgate's own profiles (SLO, report, baselines). perfgate cannot see
 * inside every plan, so it checks the hosts of the plan's HTTP samplers and request defaults
 * against the allow-list before it starts, and refuses a host it cannot resolve to a literal.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JmeterProfile } from '../config/sections/ecosystem.js';
import { ConfigError, LoadError } from '../errors.js';
import { DEFAULT_ERROR_CEILING, evaluateSlo, judgeSlo } from '../verdict/slo.js';
import { jtlProfile, parseJtl } from '../jmeter/jtl.js';
import { locateJMeter } from '../jmeter/locate.js';
import type { ProfileResult } from '../model/result.js';
import { assertTargetAllowed } from '../sut/target.js';
import type { ProfileContext } from './types.js';

/** The hosts a plan sends to: HTTPSampler.domain values, `${__P(name,default)}` resolved with the profile's properties. */
export function planHosts(jmx: string, properties: Record<string, string | number>): string[] {
  const hosts: string[] = [];
  for (const m of jmx.matchAll(/<stringProp name="HTTPSampler\.domain">([^<]*)<\/stringProp>/g)) {
    let domain = (m[1] ?? '').trim();
    const prop = /^\$\{__P\(\s*([^,)\s]+)\s*(?:,\s*([^)]*))?\)\}$/.exec(domain);
    if (prop) domain = String(properties[prop[1] ?? ''] ?? prop[2] ?? '').trim();
    if (domain === '') continue; // inherits HTTP Request Defaults, whose domain is listed too
    if (domain.includes('${'))
      throw new ConfigError(
        `jmeter plan: the sampler host ${JSON.stringify(domain)} is an expression perfgate cannot check against targets.allow; use a literal host or \${__P(name,default)}`,
      );
    hosts.push(domain);
  }
  return [...new Set(hosts)];
}

export async function runJmeterProfile(ctx: ProfileContext, profile: JmeterProfile): Promise<ProfileResult> {
  const plan = path.resolve(ctx.settings.dir, profile.plan);
  let jmx: string;
  try {
    jmx = await readFile(plan, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `profiles.${profile.name}.plan: cannot read ${plan} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a .jmx file`,
    );
  }
  const properties = Object.fromEntries(Object.entries(profile.properties).map(([k, v]) => [k, String(v)]));
  for (const host of planHosts(jmx, properties))
    await assertTargetAllowed(
      `http://${host.includes(':') ? `[${host}]` : host}/`,
      ctx.config.targets.allow,
      `profiles.${profile.name}.plan (sampler host)`,
    );
  const jmeter = locateJMeter(ctx.env);
  const jtl = path.join(ctx.outDir, `${profile.name.replace(/[^\w.-]/g, '_')}.jtl`);
  const args = [
    ...jmeter.prefix,
    '-n',
    '-t',
    plan,
    '-l',
    jtl,
    '-j',
    path.join(ctx.outDir, `${profile.name.replace(/[^\w.-]/g, '_')}.jmeter.log`),
    '-Jjmeter.save.saveservice.output_format=csv',
    '-Jjmeter.save.saveservice.print_field_names=true',
    ...Object.entries(properties).map(([k, v]) => `-J${k}=${v}`),
  ];
  ctx.logger.info(`profile ${profile.name}: JMeter plan ${path.relative(ctx.settings.dir, plan)} (${jmeter.describe})`);
  const { code, output } = await runBounded(jmeter.command, args, profile.timeout, ctx.signal, ctx.env);
  let text: string;
  try {
    text = await readFile(jtl, 'utf8');
  } catch {
    // JMeter prints an XStream dump when the plan names an element whose plugin is missing; the
    // line that matters ("path : …/HTTPSamplerProxy") would otherwise be lost in the tail.
    const element = /^path\s*:\s*\S*\/(\w+)\s*$/m.exec(output)?.[1];
    const hint = element
      ? ` JMeter could not load the plan element ${element}: its plugin is not installed${element.startsWith('HTTP') ? ' (on Debian: apt-get install jmeter-http)' : ''}.`
      : '';
    throw new LoadError(
      `JMeter exited with ${code} and wrote no results (${jtl}).${hint} Its output: ${output.slice(-500)}`,
    );
  }
  const result = jtlProfile(profile.name, parseJtl(text, jtl));
  const slo = evaluateSlo(profile.slo, result, { defaultErrorCeiling: DEFAULT_ERROR_CEILING });
  const summary =
    /summary =\s+(\d+) in\s+([\d.:]+)s?\s+=\s+([\d.]+)\/s Avg:\s+(\d+) Min:\s+(\d+) Max:\s+(\d+) Err:\s+(\d+)/.exec(
      output
        .split('\n')
        .filter((l) => l.includes('summary ='))
        .at(-1) ?? '',
    );
  const verdict = judgeSlo(slo.checks);
  const reasons = verdict.reasons;
  if (code !== 0) reasons.push(`JMeter exited with code ${code}`);
  if (summary)
    reasons.push(
      `JMeter's summary: ${summary[1]} samples, avg ${summary[4]} ms, min ${summary[5]} ms, max ${summary[6]} ms, ${summary[7]} errors`,
    );
  return {
    ...result,
    status: code !== 0 && result.requests.total === 0 ? 'error' : verdict.status,
    reasons,
    slo,
    ...(verdict.warnings.length ? { warnings: verdict.warnings } : {}),
  };
}

function runBounded(
  command: string,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    };
    const timer = setTimeout(kill, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new LoadError(
          `could not start JMeter (${command}): ${e.message}; install it, or set JMETER_HOME or JMETER_BIN`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      resolve({ code, output });
    });
  });
}
