/**
 * The collectors of a run, in the order they start (and the reverse order they stop): the HTTP
 * hygiene probe first so that it stops last, after everything else has stopped measuring; the
 * process sampler last so that its window holds the load and not the other collectors' setup
 * (waiting up to 1.5 s for a CPU profile would dilute the CPU mean and the main thread's share).
 */
import type { Settings } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import type { Collector } from '../collector.js';
import { hygieneCollector } from './hygiene.js';
import { nodeProbeCollector } from './node-probe.js';
import { postgresCollector } from './postgres.js';
import { processCollector, type ProcessCollector } from './process.js';
import { prometheusCollector } from './prometheus.js';

/** What the collectors take from perfgate's environment, read at the front door. */
export interface CollectorEnv {
  /** perfgate's own NODE_OPTIONS, kept in front of the probe's. */
  nodeOptions?: string | undefined;
  /** The connection string in the variable that monitor.postgres.urlEnv names. */
  postgresUrl?: string | undefined;
}

export interface Collectors {
  all: Collector[];
  /** The process sampler, when the monitor is on. */
  process: ProcessCollector | undefined;
}

export function createCollectors(settings: Settings, outDir: string, logger: Logger, env: CollectorEnv): Collectors {
  if (!settings.config.monitor.enabled) return { all: [], process: undefined };
  const probe = nodeProbeCollector(settings, outDir, env.nodeOptions);
  const process = processCollector(settings, () => probe?.probeFile(), logger);
  const all = [
    hygieneCollector(),
    prometheusCollector(settings),
    postgresCollector(settings, env.postgresUrl, logger),
    probe,
    process,
  ];
  return { all: all.filter((c): c is Collector => c !== undefined), process };
}

export type { Collector } from '../collector.js';
export type { ProcessCollector } from './process.js';
export { isNodeCommand } from './node-probe.js';
