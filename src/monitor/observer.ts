/**
 * The monitor and the analyzers as pipeline observers: the Node probe goes into the SUT's
 * environment, a sampler runs around each profile and attaches `resources` to its result, and
 * after the run the bottleneck and suggestion rules read it all. Read-only throughout.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { classifyBottlenecks } from '../analyze/bottlenecks.js';
import { suggestImprovements } from '../analyze/suggestions.js';
import type { ProfileConfig, Settings } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { RunObserver } from '../run/profiles.js';
import { treePids } from '../proc/tree.js';
import { isLoopbackAddress } from '../sut/target.js';
import type { SutHandle } from '../sut/types.js';
import { hotFunctions, type CpuProfile } from './cpu-profile.js';
import { PG_STAT_STATEMENTS_HELP, PostgresMonitor } from './postgres.js';
import { hygieneSuggestions, probeHttp, type HygieneFinding } from './http-hygiene.js';
import { findListener } from '../proc/listener.js';
import { PROBE_SOURCE } from './probe-source.js';
import { PrometheusScraper } from './prometheus.js';
import { readProbeLines, ResourceSampler } from './sampler.js';

/** Bottleneck identification must finish within 5 minutes (mission budget); in practice it takes milliseconds. */
const ANALYSIS_BUDGET_MS = 5 * 60_000;
const NODE_COMMAND = /(^|[\s/;&|])(node|npm|npx|tsx|yarn|pnpm|ts-node)(\s|$)/;

export function isNodeCommand(command: string | undefined): boolean {
  return command !== undefined && NODE_COMMAND.test(command);
}

export function createMonitorObservers(settings: Settings, outDir: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): RunObserver[] {
  const monitor = settings.config.monitor;
  if (!monitor.enabled) return [];
  const dir = path.join(outDir, 'monitor');
  const probeFile = path.join(dir, 'node-probe.jsonl');
  const cpuDir = path.join(dir, 'cpu-profiles');
  const wantProbe = monitor.node === 'on' || (monitor.node === 'auto' && isNodeCommand(settings.config.sut.command));
  let probing = false;
  let sampler: ResourceSampler | undefined;
  let cpuProfileCount = 0;
  let db: PostgresMonitor | undefined;
  let dbBefore: Awaited<ReturnType<PostgresMonitor['snapshot']>> | undefined;
  const pgUrlEnv = monitor.postgres?.urlEnv;
  let missingExtension = false;
  let scraper: PrometheusScraper | undefined;
  const scrapeErrors: string[] = [];
  const hygiene = new Map<string, HygieneFinding[]>();
  let external: { pids: number[]; notice?: string } | undefined;

  /**
   * A server perfgate did not start, on this machine: sample the process tree that listens on
   * the URL's port (found once per run), and say which PIDs were read.
   */
  function externalPids(url: string): (() => number[]) | undefined {
    if (!external) {
      const u = new URL(url);
      const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
      const loopback = isLoopbackAddress(u.hostname.replace(/^\[|\]$/g, '')) || u.hostname === 'localhost';
      const found = loopback ? findListener(port) : { pids: [], listening: false, self: false };
      external = { pids: found.pids };
      if (found.pids.length) {
        external.notice = `resources were sampled from PID ${found.pids.join(', ')} and its children: the process listening on port ${port}, which perfgate did not start (no Node probe, CPU profile or event-loop data for it)`;
        logger.info(`monitoring PID ${found.pids.join(', ')}, the process listening on port ${port}`);
      } else if (found.listening && !found.self) {
        external.notice = `the process listening on port ${port} belongs to another user: its resources were not sampled (run perfgate as that user, or let perfgate start it with sut.command)`;
      }
    }
    const roots = external.pids;
    if (!roots.length) return undefined;
    return () => [...new Set(roots.flatMap((pid) => treePids(pid)))];
  }

  const observer: RunObserver = {
    name: 'monitor',
    async sutEnv() {
      if (!wantProbe || !settings.config.sut.command) return {};
      await mkdir(cpuDir, { recursive: true });
      const probePath = path.join(dir, 'perfgate-probe.cjs');
      await writeFile(probePath, PROBE_SOURCE);
      await writeFile(probeFile, '');
      probing = true;
      const existing = settings.config.sut.env.NODE_OPTIONS ?? env.NODE_OPTIONS ?? '';
      return {
        NODE_OPTIONS: `${existing} --require ${JSON.stringify(probePath)}`.trim(),
        PERFGATE_PROBE_FILE: probeFile,
        PERFGATE_PROBE_INTERVAL: String(Math.max(100, monitor.interval)),
        ...(monitor.cpuProfile ? { PERFGATE_CPU_PROFILE_DIR: cpuDir } : {}),
      };
    },
    async beforeProfile(_profile: ProfileConfig, sut: SutHandle) {
      const prom = monitor.prometheus;
      if (prom && prom.series.length) {
        scraper = await PrometheusScraper.create(sut.url, prom.endpoints, prom.series, prom.interval, settings.config.targets.allow);
        scraper.start();
      }
      if (pgUrlEnv) {
        const url = env[pgUrlEnv];
        if (!url) throw new Error(`monitor.postgres.urlEnv: $${pgUrlEnv} is empty; expected a connection string in that environment variable`);
        db ??= await PostgresMonitor.connect(url);
        if (!db.hasStatements && !missingExtension) {
          missingExtension = true;
          logger.warn(PG_STAT_STATEMENTS_HELP);
        }
        dbBefore = await db.snapshot();
      }
      const pids = sut.pid === undefined ? externalPids(sut.url) : () => sut.pids();
      if (!pids) return;
      if (probing && monitor.cpuProfile) {
        // Start this profile's CPU profile clean: write out (and skip) what ran before it.
        const before = await countProfiles(cpuDir);
        await flushCpuProfiles(sut);
        await newProfiles(cpuDir, before, 1500);
      }
      cpuProfileCount = await countProfiles(cpuDir);
      // Last, so that the window holds the load and not the wait for the CPU profile above
      // (up to 1.5 s of an idle SUT would dilute the CPU mean and the main thread's share).
      sampler = new ResourceSampler(pids, monitor.interval, probing ? probeFile : undefined);
      sampler.start();
    },
    async afterProfile(profile: ProfileConfig, sut: SutHandle, result) {
      // First, for the same reason: the hygiene probes below are not part of the profile.
      const resources = sampler?.stop() ?? { samples: [], summary: {} };
      sampler = undefined;
      if (profile.kind === 'load' && !sut.exit()) {
        const paths = [...new Set(profile.requests.filter((r) => r.method === 'GET').map((r) => r.path))].slice(0, 3);
        const found = await Promise.all(paths.map((p) => probeHttp(sut.url, p)));
        hygiene.set(profile.name, found.filter((f): f is HygieneFinding => f !== undefined));
      }
      if (scraper) {
        const scraped = await scraper.stop();
        scraper = undefined;
        if (scraped.metrics.length) resources.metrics = scraped.metrics;
        scrapeErrors.push(...scraped.errors);
      }
      if (db && dbBefore) {
        resources.database = await db.delta(dbBefore, await db.snapshot());
        dbBefore = undefined;
      }
      if (resources.samples.length === 0 && !resources.database && !resources.metrics) return;
      if (probing && monitor.cpuProfile && !sut.exit()) {
        await flushCpuProfiles(sut);
        const profiles = await newProfiles(cpuDir, cpuProfileCount, 3000);
        if (profiles.length) resources.hotFunctions = hotFunctions(profiles).functions;
      }
      result.resources = resources;
    },
    async afterRun(result) {
      await db?.close();
      db = undefined;
      if (missingExtension) result.notices.push(PG_STAT_STATEMENTS_HELP);
      if (external?.notice) result.notices.push(external.notice);
      for (const e of [...new Set(scrapeErrors)].slice(0, 3)) result.notices.push(`Prometheus scrape failed: ${e}`);
      if (pgUrlEnv && env[pgUrlEnv] && result.profiles.length && !result.profiles.some((p) => p.resources?.database)) result.notices.push('PostgreSQL statistics were not collected');
      const t0 = Date.now();
      const bottlenecks = classifyBottlenecks(result.profiles);
      const suggestions = suggestImprovements(result.profiles, bottlenecks, settings.config.profiles);
      if (Date.now() - t0 > ANALYSIS_BUDGET_MS) throw new Error('bottleneck identification passed its 5-minute budget');
      result.bottlenecks.push(...bottlenecks);
      result.suggestions.push(...suggestions);
      for (const p of result.profiles) result.suggestions.push(...hygieneSuggestions(p.name, hygiene.get(p.name) ?? [], p.throughput.rps));
      for (const b of bottlenecks) logger.info(`bottleneck (${b.profile}): ${b.kind} — ${b.evidence[0] ?? ''}`);
    },
  };
  return [observer];

  /** Asks every probed process of the SUT to write its CPU profile so far (SIGUSR2; only PIDs that run the probe). */
  async function flushCpuProfiles(sut: SutHandle): Promise<void> {
    const probed = new Set(readProbeLines(probeFile, 0, Date.now() + 1000).map((l) => l.pid));
    for (const pid of sut.pids()) {
      if (!probed.has(pid)) continue;
      try {
        process.kill(pid, 'SIGUSR2');
      } catch {
        // Gone.
      }
    }
  }
}

async function countProfiles(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile')).length;
}

async function newProfiles(dir: string, before: number, waitMs: number): Promise<CpuProfile[]> {
  const deadline = Date.now() + waitMs;
  let files: string[] = [];
  while (Date.now() < deadline) {
    files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => fileOrder(a) - fileOrder(b));
    if (files.length > before) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const fresh = files.slice(before);
  const out: CpuProfile[] = [];
  for (const f of fresh) {
    try {
      out.push(JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CpuProfile);
    } catch {
      // Half-written: skip.
    }
  }
  return out;
}

const fileOrder = (name: string) => Number(/-(\d+)\.cpuprofile$/.exec(name)?.[1] ?? 0);
