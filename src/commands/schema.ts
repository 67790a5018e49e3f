import { configJsonSchema } from '../config/json-schema.js';
import type { Command } from './types.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of perfgate.yml (for editors)',
  help: `Usage: perfgate schema

Prints the JSON Schema of perfgate.yml, generated from the same zod schema that validates it.
Point your editor at it, e.g. with "# yaml-language-server: $schema=…" at the top of the file.`,
  async run(io) {
    io.stdout(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  },
};
