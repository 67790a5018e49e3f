import { z } from 'zod';
import { configSchema } from './schema.js';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  [k: string]: unknown;
};

let cached: JsonSchema | undefined;

/** The JSON Schema of perfgate.yml for editors, generated from the zod schema (input side). */
export function configJsonSchema(): JsonSchema {
  cached ??= {
    ...(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema),
    $id: 'https://github.com/perfgate/perfgate/schema/perfgate.schema.json',
    title: 'perfgate.yml',
  };
  return cached;
}

/** Keys allowed at a path of the config (through arrays and unions), for "did you mean" hints. */
export function keysAt(path: readonly PropertyKey[]): string[] {
  let nodes: JsonSchema[] = [configJsonSchema()];
  for (const seg of path) {
    const next: JsonSchema[] = [];
    for (const n of expand(nodes)) {
      if (typeof seg === 'number' && n.items) next.push(n.items);
      else if (typeof seg === 'string' && n.properties?.[seg]) next.push(n.properties[seg]);
    }
    nodes = next;
  }
  return [...new Set(expand(nodes).flatMap((n) => Object.keys(n.properties ?? {})))];
}

function expand(nodes: JsonSchema[]): JsonSchema[] {
  return nodes.flatMap((n) => [n, ...expand([...(n.oneOf ?? []), ...(n.anyOf ?? [])])]);
}
