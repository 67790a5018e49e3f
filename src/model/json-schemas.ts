/** Writes schema/perfgate.schema.json and schema/result.schema.json from the zod schemas (run by the build). */
import path from 'node:path';
import { z } from 'zod';
import { configJsonSchema } from '../config/json-schema.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { runResultSchema } from './result.js';

export async function writeJsonSchemas(dir: string): Promise<string[]> {
  const result = {
    ...z.toJSONSchema(runResultSchema, { io: 'output', unrepresentable: 'any' }),
    title: 'perfgate result.json',
  };
  const files = [path.join(dir, 'perfgate.schema.json'), path.join(dir, 'result.schema.json')];
  await writeFileAtomic(files[0] as string, JSON.stringify(configJsonSchema(), null, 2) + '\n');
  await writeFileAtomic(files[1] as string, JSON.stringify(result, null, 2) + '\n');
  return files;
}
