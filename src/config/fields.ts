/**
 * zod field types for perfgate.yml's human units. Each parses text into a number and, on bad
 * input, reports the value seen and the form expected; the path is added by the formatter.
 */
import { z } from 'zod';
import { parseDurationMs, parsePercent } from './units.js';

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
}

function durationField(example: string, zero: boolean) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : parseDurationMs(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `${show(v)} is not a duration; use e.g. ${example}` });
      return z.NEVER;
    }
    if (ms === 0 && !zero) {
      ctx.addIssue({
        code: 'custom',
        message: `${show(v)} is not a positive duration; expected more than 0, e.g. ${example}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/**
 * A duration such as "30s", "2m", "250ms"; a bare number means milliseconds. Output: ms. Must be
 * more than 0: a zero duration, timeout or interval passed validation and then failed (or spun)
 * at run time (issue 15, case 13).
 */
export const duration = (example = '"30s" or "2m"') => durationField(example, false);

/** A duration that may be 0 (a warmup, a grace period). Output: ms. */
export const durationOrZero = (example = '"30s" or "2m"') => durationField(example, true);

/** A latency limit such as "250ms" or "1.5s". Output: ms. */
export const latency = () => duration('"250ms" or "1.5s"');

/**
 * A percentage that is a ratio, such as "1%"; a bare number is a fraction (0.01). Output: fraction.
 * Bounded to 100 %: a bare 5 meant as "5 %" reads 500 % and turns a limit off (issue 15, case 9).
 * A bare 1 or more is refused too: `errorRate: 1` reads 100 % (no limit at all) where "1%" was
 * almost always meant; "100%" says it on purpose. `zero: false` where 0 % means nothing (a
 * recovery at no load).
 */
export const percent = ({ zero = true }: { zero?: boolean } = {}) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const f = typeof v === 'number' ? v : parsePercent(v);
    const range = `${zero ? 'from 0%' : 'above 0%'} up to 100%`;
    if (f === undefined || !Number.isFinite(f) || f < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${show(v)} is not a percentage; expected a percentage ${range}, e.g. "1%" or "0.5%"`,
      });
      return z.NEVER;
    }
    if (typeof v === 'number' && v >= 1) {
      const whole = Number((v * 100).toPrecision(6));
      const meant = v <= 100 ? `write "${v}%" for ${v} percent${v === 1 ? ', or "100%" if 100% is meant' : ''}; ` : '';
      ctx.addIssue({
        code: 'custom',
        message: `${v} is ${whole}% (a bare number is a fraction below 1: 0.05 = 5%); ${meant}expected a percentage ${range}`,
      });
      return z.NEVER;
    }
    if (f > 1 || (f === 0 && !zero)) {
      ctx.addIssue({
        code: 'custom',
        message: `${show(v)} is ${Number((f * 100).toPrecision(6))}%; expected a percentage ${range}, e.g. "5%" (a bare number is a fraction: 0.05 = 5%)`,
      });
      return z.NEVER;
    }
    return f;
  });

export const positiveInt = (what: string) =>
  z
    .number({ error: (i) => `${show(i.input)} is not a number; expected ${what}` })
    .int({ error: (i) => `${show(i.input)} is not a whole number; expected ${what}` })
    .positive({ error: (i) => `${show(i.input)} is not above 0; expected ${what} greater than 0` });

/**
 * The highest arrival rate perfgate accepts. Its open-model client is one thread that sends at most
 * some tens of thousands of requests per second (bench/README.md); `rate: 1e12` once spun in the
 * scheduler, deaf to signals (issue 15, case 10). Split a higher rate across runners (--shard).
 */
const MAX_RATE = 1_000_000;

export const arrivalRate = () =>
  positiveNumber('an arrival rate in requests per second').max(
    MAX_RATE,
    `expected at most ${MAX_RATE} requests per second: one perfgate sends at most some tens of thousands (split more across runners with --shard)`,
  );

export const positiveNumber = (what: string) =>
  z
    .number({ error: (i) => `${show(i.input)} is not a number; expected ${what}` })
    .positive({ error: (i) => `${show(i.input)} is not above 0; expected ${what} greater than 0` });
