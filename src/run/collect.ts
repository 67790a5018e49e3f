/**
 * Runs the collectors around a profile: start in order, stop in reverse order, their typed parts
 * merged into the profile's resources. A collector that fails is a notice, never a failed run:
 * a missing measurement is reported as missing, the load goes on.
 */
import type { Logger } from '../log/logger.js';
import type { HygieneFinding } from '../model/hygiene.js';
import type { Resources } from '../model/monitor.js';
import type { CollectedPart, Collector, CollectTarget } from '../monitor/collector.js';

export interface ProfileCollected {
  resources?: Resources;
  hygiene?: HygieneFinding[];
}

export function collectAround(collectors: readonly Collector[], logger: Logger, notices: string[]) {
  const guard = async <T>(c: Collector, hook: string, call: () => Promise<T> | undefined): Promise<T | undefined> => {
    try {
      return await call();
    } catch (e) {
      const msg = `${c.name} (${hook}) failed: ${(e as Error).message}`;
      logger.warn(msg);
      notices.push(msg);
      return undefined;
    }
  };
  return {
    async sutEnv(): Promise<Record<string, string>> {
      const env: Record<string, string> = {};
      for (const c of collectors) Object.assign(env, await guard(c, 'sutEnv', () => c.sutEnv?.()));
      return env;
    },
    async start(target: CollectTarget): Promise<void> {
      for (const c of collectors) await guard(c, 'start', () => c.start?.(target));
    },
    async stop(target: CollectTarget): Promise<ProfileCollected> {
      const parts: CollectedPart[] = [];
      for (const c of [...collectors].reverse()) parts.push((await guard(c, 'stop', () => c.stop?.(target))) ?? {});
      return mergeParts(parts);
    },
    async finish(): Promise<void> {
      for (const c of collectors) notices.push(...((await guard(c, 'finish', () => c.finish?.())) ?? []));
    },
  };
}

function mergeParts(parts: readonly CollectedPart[]): ProfileCollected {
  const out: ProfileCollected = {};
  for (const part of parts) {
    if (part.resources) out.resources = { ...(out.resources ?? { samples: [], summary: {} }), ...part.resources };
    if (part.hygiene) out.hygiene = [...(out.hygiene ?? []), ...part.hygiene];
  }
  return out;
}
