/**
 * The cost of rendering `{{…}}` templates (src/workload/template.ts), per call, in nanoseconds.
 *
 *   npx tsx bench/templates.ts [rounds=5] [calls=1000000]
 *
 * Each round renders every case `calls` times, in a shuffled order, so that drifts of this noisy
 * machine hit all cases alike; the median of the rounds is printed. The rendered lengths are summed
 * into a sink that is printed, so that no render can be optimized away. Two references put the
 * numbers in scale: crypto.randomUUID() alone, and JSON.stringify of the same body with a fresh
 * uuid (what a naive engine would do per request).
 */
import { randomUUID } from 'node:crypto';
import {
  compileBody,
  compileTemplate,
  encodeHeaderValue,
  type KnownNames,
  type TemplateScope,
} from '../src/workload/template.js';

const rounds = Number(process.argv[2] ?? 5);
const calls = Number(process.argv[3] ?? 1_000_000);

const known: KnownNames = { variables: new Set(['token', 'tag', 'id']), columns: new Set() };
const scope: TemplateScope = {
  vars: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', tag: 'perf', id: '42' },
  row: undefined,
  seq: 0,
};
const article = { article: { title: 't {{uuid}}', description: 'd', body: 'b', tagList: ['{{tag}}'] } };

const staticPath = compileTemplate('/api/articles?limit=20&offset=0', 'path', known);
const twoVariables = compileTemplate('/api/profiles/{{id}}/articles?tag={{tag}}', 'path', known, encodeURIComponent);
const header = compileTemplate('Token {{token}}', 'headers.authorization', known, encodeHeaderValue);
const body = compileBody(article, 'body', known).template;
if (!body) throw new Error('the body did not compile');

const cases: Record<string, () => string> = {
  'static template': () => staticPath.render(scope),
  '2-variable path (URL-encoded)': () => twoVariables.render(scope),
  'header "Token {{token}}" (CR/LF check)': () => header.render(scope),
  'JSON body with {{uuid}} and {{tag}}': () => body.render(scope),
  'reference: crypto.randomUUID()': () => randomUUID(),
  'reference: JSON.stringify(body) with a fresh uuid': () =>
    JSON.stringify({ article: { ...article.article, title: `t ${randomUUID()}`, tagList: ['perf'] } }),
};

let sink = 0;
function measure(fn: () => string): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += fn().length;
  return Number(process.hrtime.bigint() - t0) / calls;
}

for (const fn of Object.values(cases)) measure(fn); // warm up: let V8 optimize every case first
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  const order = Object.keys(cases).sort(() => Math.random() - 0.5);
  for (const name of order) samples[name]?.push(measure(cases[name] as () => string));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`Node ${process.version}, ${rounds} rounds × ${calls.toLocaleString('en-US')} calls; median ns per render`);
console.log('| case | ns / render | per round |');
console.log('|---|---:|---|');
for (const [name, xs] of Object.entries(samples)) {
  console.log(`| ${name} | ${median(xs).toFixed(1)} | ${xs.map((x) => x.toFixed(1)).join(', ')} |`);
}
console.log(`(sink ${sink})`);
