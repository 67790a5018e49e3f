/**
 * `perfgate run --shard i/n`: each of n runners produces 1/n of every profile's load (rate or
 * users; the remainder goes to the first shards), starting at a common time so that the shards
 * overlap, and `perfgate merge` adds their results back up exactly.
 */
import { ConfigError } from '../errors.js';
import type { Config, ProfileConfig } from '../config/schema.js';

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new ConfigError(`--shard: ${JSON.stringify(text)} is not a shard; expected i/n with 1 ≤ i ≤ n, e.g. 2/3`);
  return { index, count };
}

/** This shard's part of an integer total: floor(total/n), plus one for the first (total mod n) shards. */
export function shareOf(total: number, shard: Shard): number {
  return Math.floor(total / shard.count) + (shard.index <= total % shard.count ? 1 : 0);
}

function shardProfile(profile: ProfileConfig, shard: Shard): ProfileConfig {
  if (shard.count === 1) return profile;
  switch (profile.kind) {
    case 'load': {
      if (profile.rate !== undefined)
        return {
          ...profile,
          rate: profile.rate / shard.count,
          ...(profile.maxInFlight ? { maxInFlight: Math.max(1, Math.ceil(profile.maxInFlight / shard.count)) } : {}),
        };
      const connections = shareOf(profile.connections ?? 10, shard);
      if (connections < 1)
        throw new ConfigError(
          `--shard ${shard.index}/${shard.count}: profile ${profile.name} has ${profile.connections ?? 10} connections, fewer than the ${shard.count} shards`,
        );
      return { ...profile, connections };
    }
    case 'stress': {
      const div = (r: { start: number; step: number; max: number }) => ({
        start: r.start / shard.count,
        step: r.step / shard.count,
        max: r.max / shard.count,
      });
      if (profile.rate) return { ...profile, rate: div(profile.rate) };
      if (profile.connections) {
        const c = profile.connections;
        return {
          ...profile,
          connections: {
            start: Math.max(1, shareOf(c.start, shard)),
            step: Math.max(1, shareOf(c.step, shard)),
            max: Math.max(1, shareOf(c.max, shard)),
          },
        };
      }
      return profile;
    }
    default:
      return profile;
  }
}

export function shardConfig(config: Config, shard: Shard): Config {
  return { ...config, profiles: config.profiles.map((p) => shardProfile(p, shard)) };
}
