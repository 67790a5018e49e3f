/**
 * Config objects whose keys may be any latency percentile (`slo`, `gates.regression`): a fixed
 * set of keys, plus `pNN` / `pNN.N` keys with one value type. Every percentile comes out under its
 * canonical name (src/model/percentiles.ts), so `p99.9` and `p999` are one key, and two keys that
 * name the same percentile are an error rather than one silently winning. Any other key is an
 * error that lists the forms. The JSON Schema gets the percentiles as patternProperties.
 */
import { z } from 'zod';
import { PERCENTILE_FORMS, PERCENTILE_PATTERN, percentileName, type PercentileName } from '../model/percentiles.js';

/** `level: warn`: a finding of this gate or SLO is reported and annotated, and never fails the run. */
export const gateLevel = () =>
  z
    .enum(['fail', 'warn'])
    .optional()
    .describe(
      'fail (the default): a miss fails the run. warn: a miss is reported, annotated and shown in the comment, and never fails the run.',
    );

function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

/**
 * `shape`'s keys, plus any percentile key with a `value()`. `shape` may name percentiles itself
 * (p50, p99, … for editors' completion); they are checked for duplicates with the others.
 */
export function withPercentileKeys<Shape extends z.core.$ZodLooseShape, V extends z.ZodType>(
  shape: Shape,
  value: () => V,
  description: string,
) {
  const fixed = Object.keys(shape);
  const otherKeys = fixed.filter((k) => percentileName(k) === undefined);
  return z
    .object(shape)
    .catchall(z.unknown())
    .transform((input, ctx) => {
      const out: Record<string, unknown> = {};
      const seen = new Map<PercentileName, string>();
      for (const [key, raw] of Object.entries(input)) {
        const name = percentileName(key);
        if (name === undefined && fixed.includes(key)) {
          if (raw !== undefined) out[key] = raw;
          continue;
        }
        if (name === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `unknown key${key === 'p100' ? ' (p100 is the maximum: use max)' : ''}; expected a percentile ${PERCENTILE_FORMS}, or one of ${otherKeys.join(', ')}`,
          });
          continue;
        }
        if (raw === undefined) continue;
        const same = seen.get(name);
        if (same !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `names the same percentile as ${same}; keep one of them`,
          });
          continue;
        }
        seen.set(name, key);
        if (fixed.includes(key)) {
          out[name] = raw; // parsed by the shape
          continue;
        }
        const parsed = value().safeParse(raw);
        if (parsed.success) out[name] = parsed.data;
        else
          for (const issue of parsed.error.issues)
            ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
      }
      return out as z.output<z.ZodObject<Shape>> & { [K in PercentileName]?: z.output<V> };
    })
    .meta({
      description,
      patternProperties: { [PERCENTILE_PATTERN]: inputJsonSchema(value()) },
      additionalProperties: false,
    });
}
