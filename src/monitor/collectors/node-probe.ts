/**
 * The Node probe inside the SUT (NODE_OPTIONS --require): event-loop delay, GC and heap lines in
 * a file the process sampler merges in, and, with monitor.cpuProfile, a V8 CPU profile per
 * profile, flushed on SIGUSR2 and ranked into the profile's hot functions.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../config/schema.js';
import type { SutHandle } from '../../sut/types.js';
import type { Collector } from '../collector.js';
import { hotFunctions, type CpuProfile } from '../cpu-profile.js';
import { PROBE_SOURCE } from '../probe-source.js';
import { readProbeLines } from '../sampler.js';

const NODE_COMMAND = /(^|[\s/;&|])(node|npm|npx|tsx|yarn|pnpm|ts-node)(\s|$)/;

export function isNodeCommand(command: string | undefined): boolean {
  return command !== undefined && NODE_COMMAND.test(command);
}

export interface NodeProbe extends Collector {
  /** The probe's line file once the SUT runs with the probe; undefined otherwise. */
  probeFile(): string | undefined;
}

/** `inheritedNodeOptions`: NODE_OPTIONS of perfgate's own environment, kept in front of the probe's. */
export function nodeProbeCollector(
  settings: Settings,
  outDir: string,
  inheritedNodeOptions: string | undefined,
): NodeProbe | undefined {
  const { monitor, sut } = settings.config;
  const wanted = monitor.node === 'on' || (monitor.node === 'auto' && isNodeCommand(sut.command));
  if (!wanted || !sut.command) return undefined;
  const dir = path.join(outDir, 'monitor');
  const file = path.join(dir, 'node-probe.jsonl');
  const cpuDir = path.join(dir, 'cpu-profiles');
  let probing = false;
  let profilesBefore = 0;
  const cpuProfiles = monitor.cpuProfile;
  return {
    name: 'node-probe',
    probeFile: () => (probing ? file : undefined),
    async sutEnv() {
      await mkdir(cpuDir, { recursive: true });
      const probePath = path.join(dir, 'perfgate-probe.cjs');
      await writeFile(probePath, PROBE_SOURCE);
      await writeFile(file, '');
      probing = true;
      const existing = sut.env.NODE_OPTIONS ?? inheritedNodeOptions ?? '';
      return {
        NODE_OPTIONS: `${existing} --require ${JSON.stringify(probePath)}`.trim(),
        PERFGATE_PROBE_FILE: file,
        PERFGATE_PROBE_INTERVAL: String(Math.max(100, monitor.interval)),
        ...(cpuProfiles ? { PERFGATE_CPU_PROFILE_DIR: cpuDir } : {}),
      };
    },
    async start({ sut: handle }) {
      if (!probing || !cpuProfiles) return;
      // Start this profile's CPU profile clean: write out (and skip) what ran before it.
      const before = await countProfiles(cpuDir);
      flushCpuProfiles(handle, file);
      await newProfiles(cpuDir, before, 1500);
      profilesBefore = await countProfiles(cpuDir);
    },
    async stop({ sut: handle }) {
      if (!probing || !cpuProfiles || handle.exit()) return {};
      flushCpuProfiles(handle, file);
      const profiles = await newProfiles(cpuDir, profilesBefore, 3000);
      return profiles.length ? { resources: { hotFunctions: hotFunctions(profiles).functions } } : {};
    },
  };
}

/** Asks every probed process of the SUT to write its CPU profile so far (SIGUSR2; only PIDs that run the probe). */
function flushCpuProfiles(sut: SutHandle, probeFile: string): void {
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

async function countProfiles(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile')).length;
}

async function newProfiles(dir: string, before: number, waitMs: number): Promise<CpuProfile[]> {
  const deadline = Date.now() + waitMs;
  let files: string[] = [];
  while (Date.now() < deadline) {
    files = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort((a, b) => fileOrder(a) - fileOrder(b));
    if (files.length > before) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const out: CpuProfile[] = [];
  for (const f of files.slice(before)) {
    try {
      out.push(JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CpuProfile);
    } catch {
      // Half-written: skip.
    }
  }
  return out;
}

const fileOrder = (name: string) => Number(/-(\d+)\.cpuprofile$/.exec(name)?.[1] ?? 0);
