/**
 * The SUT's process tree sampled from /proc during each profile (CPU, RSS, I/O, descriptors,
 * threads, scheduler shares), with the Node probe's lines merged in when the SUT runs it. A server
 * perfgate did not start is found by the process that listens on the URL's port, on this machine.
 */
import type { Settings } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import { findListener } from '../../proc/listener.js';
import { treePids } from '../../proc/tree.js';
import { portOf } from '../../sut/readiness.js';
import { isLoopbackAddress } from '../../sut/target.js';
import type { SutHandle } from '../../sut/types.js';
import type { Collector } from '../collector.js';
import { ResourceSampler } from '../sampler.js';

export interface ProcessCollector extends Collector {
  /** The sampler of the profile that runs now (a stress ramp reads its peaks instead of sampling twice). */
  current(): ResourceSampler | undefined;
}

export function processCollector(
  settings: Settings,
  probeFile: () => string | undefined,
  logger: Logger,
): ProcessCollector {
  const interval = settings.config.monitor.interval;
  let sampler: ResourceSampler | undefined;
  let external: { pids: number[]; notice?: string } | undefined;

  /** The PIDs of a server perfgate did not start (looked up once per run), or undefined when none can be read. */
  function externalPids(url: string): (() => number[]) | undefined {
    external ??= lookUpListener(url, logger);
    const roots = external.pids;
    if (!roots.length) return undefined;
    return () => [...new Set(roots.flatMap((pid) => treePids(pid)))];
  }

  return {
    name: 'process',
    current: () => sampler,
    async start({ sut }) {
      const pids = pidsOf(sut, externalPids);
      if (!pids) return;
      sampler = new ResourceSampler(pids, interval, probeFile());
      sampler.start();
    },
    async stop() {
      const resources = sampler?.stop();
      sampler = undefined;
      return resources && resources.samples.length ? { resources } : {};
    },
    async finish() {
      return external?.notice ? [external.notice] : [];
    },
  };
}

function pidsOf(
  sut: SutHandle,
  externalPids: (url: string) => (() => number[]) | undefined,
): (() => number[]) | undefined {
  return sut.pid === undefined ? externalPids(sut.url) : () => sut.pids();
}

function lookUpListener(url: string, logger: Logger): { pids: number[]; notice?: string } {
  const u = new URL(url);
  const port = portOf(u);
  const loopback = isLoopbackAddress(u.hostname) || u.hostname === 'localhost';
  const found = loopback ? findListener(port) : { pids: [], listening: false, self: false };
  if (found.pids.length) {
    logger.info(`monitoring PID ${found.pids.join(', ')}, the process listening on port ${port}`);
    return {
      pids: found.pids,
      notice: `resources were sampled from PID ${found.pids.join(', ')} and its children: the process listening on port ${port}, which perfgate did not start (no Node probe, CPU profile or event-loop data for it)`,
    };
  }
  if (found.listening && !found.self) {
    return {
      pids: [],
      notice: `the process listening on port ${port} belongs to another user: its resources were not sampled (run perfgate as that user, or let perfgate start it with sut.command)`,
    };
  }
  return { pids: [] };
}
