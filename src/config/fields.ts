/**
 * zod field types for perfgate.yml's human units. Each parses text into a number and, on bad
 * input, reports the value seen and the form expected; the path is added by the formatter.
 */
import { z } from 'zod';
import { parseDurationMs, parsePercent } from './units.js';

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
}

/** A duration such as "30s", "2m", "250ms"; a bare number means milliseconds. Output: ms. */
export const duration = (example = '"30s" or "2m"') =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : parseDurationMs(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `${show(v)} is not a duration; use e.g. ${example}` });
      return z.NEVER;
    }
    return ms;
  });

/** A latency limit such as "250ms" or "1.5s". Output: ms. */
export const latency = () => duration('"250ms" or "1.5s"');

/** A percentage such as "1%"; a bare number is a fraction (0.01). Output: fraction. */
export const percent = () =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const f = typeof v === 'number' ? v : parsePercent(v);
    if (f === undefined || !Number.isFinite(f) || f < 0) {
      ctx.addIssue({ code: 'custom', message: `${show(v)} is not a percentage; use e.g. "1%" or "0.5%"` });
      return z.NEVER;
    }
    return f;
  });

export const positiveInt = (what: string) =>
  z
    .number({ error: (i) => `${show(i.input)} is not a number; expected ${what}` })
    .int(`expected a whole number (${what})`)
    .positive(`expected ${what} greater than 0`);

export const positiveNumber = (what: string) =>
  z
    .number({ error: (i) => `${show(i.input)} is not a number; expected ${what}` })
    .positive(`expected ${what} greater than 0`);
