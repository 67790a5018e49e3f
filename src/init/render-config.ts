/**
 * The perfgate.yml that `perfgate init` writes: text, not a serialized object, because the
 * comments are the point — each section says what it does for a newcomer, and each value that
 * came from the project says where (`# detected: …`) or that it is a default and why
 * (`# default: …`). Only existing config keys are used; the tests load the result with the
 * project's own reader (config/read.ts) to prove it validates.
 */
import type { Finding, ProjectDetection } from './detect.js';

const README = 'https://github.com/perfgate/perfgate#readme';
const REGRESSION_DOCS = 'https://github.com/perfgate/perfgate/blob/main/docs/regression.md';
const WIDTH = 96;

export interface RenderOptions {
  /** The profile's measured time (default "30s"); the tests shorten it. */
  duration?: string;
  /** The profile's unmeasured warmup (default "5s"). */
  warmup?: string;
}

export function renderConfig(detection: ProjectDetection, options: RenderOptions = {}): string {
  return [header(detection), sutSection(detection), profileSection(detection, options), gatesSection()].join('\n');
}

function header(d: ProjectDetection): string {
  return `${comment(`perfgate.yml for ${d.name}, written by \`perfgate init\`.`)}
${comment(
  'perfgate boots your server (sut), waits until it answers, puts load on it (profiles), checks your ' +
    'service-level objectives (slo) and, on a pull request, compares the change with its base (gates).',
)}
# Every key is described in the README: ${README}
# Run it on your machine:   npx perfgate run
${comment(
  'Lines marked "detected:" were read from your project; "default:" means nothing was found and init chose a ' +
    'value. Check both before the first run.',
)}
version: 1
`;
}

function sutSection(d: ProjectDetection): string {
  const url = `http://127.0.0.1:${d.port.value}`;
  return `${comment(
    'The system under test: how perfgate starts your server, and where it answers. perfgate starts it for ' +
      'every run (in this folder) and stops its whole process tree afterwards.',
  )}
sut:
${commandLines(d)}
${envLines(d)}
${comment(note(d.port, `port ${d.port.value}`), '  ')}
  url: ${url}
${comment(
  'perfgate sends GET <path> until it answers 2xx or 3xx, then starts the load; it gives up (exit 3) after ' +
    '<timeout>, with the last lines of the server output.',
  '  ',
)}
  ready:
${comment(note(d.healthPath, d.healthPath.value), '    ')}
    path: ${d.healthPath.value}
    timeout: 60s
`;
}

function commandLines(d: ProjectDetection): string {
  if (d.command.value !== undefined) {
    return `${comment(`detected: ${d.command.value} (${d.command.from})`, '  ')}
  command: ${yamlString(d.command.value)}`;
  }
  return `${comment(
    `default: no start command found — ${d.command.why}. Fill in the command that starts your server. ` +
      'Without one, perfgate loads a server that is already running at url.',
    '  ',
  )}
  # command: node server.js`;
}

function envLines(d: ProjectDetection): string {
  if (d.portEnvReadBy === undefined) {
    return `${comment("The server's environment variables, e.g.:", '  ')}
  # env:
  #   NODE_ENV: production`;
  }
  return `${comment(
    `The server's environment variables. ${d.portEnvReadBy} reads process.env.PORT, so perfgate sets it: ` +
      'that is how it knows where to send the load.',
    '  ',
  )}
  env:
    PORT: "${d.port.value}"`;
}

function profileSection(d: ProjectDetection, options: RenderOptions): string {
  const warmup = options.warmup ?? '5s';
  return `${comment(
    'What load to put on the server. One profile to start with; the README shows the other kinds (a stress ' +
      'ramp to the breaking point, an open model at a fixed arrival rate) and logins, templates and checks.',
  )}
profiles:
  - name: steady
    kind: load
${comment(
  'Closed model: 10 virtual users, each sending its next request as soon as the previous answer arrives. ' +
    'Raise it towards the concurrency your service sees in production.',
  '    ',
)}
    connections: 10
${comment(`The first ${warmup} warm the server up (JIT, caches, pools) and are not measured.`, '    ')}
    warmup: ${warmup}
    duration: ${options.duration ?? '30s'}
${comment('The requests, sent in a weighted mix. Add your main routes, e.g.', '    ')}
    #   - { method: GET, path: /api/items, weight: 3 }
    requests:
      - method: GET
        path: ${d.healthPath.value}
${comment(
  'Service-level objectives: the run fails (exit 1) when one is missed. A starting point, loose on ' +
    'purpose: run once, read report.md, then set them to what your users need.',
  '    ',
)}
    slo:
      p99: 500ms
      errorRate: 1%
`;
}

function gatesSection(): string {
  return `${comment(
    'Pull requests: fail when the change makes the server slower than its base, by more than these ' +
      'thresholds and beyond the noise of the runner (a statistical test, not one number against another). ' +
      "In the workflow's A/B mode each profile runs base/head pairs of 2s trials, each after a warm-up " +
      'until steady, and stops once the answer is clear: at most 35 pairs, about 3.5 minutes of load ' +
      `(the ab: key changes that). See ${REGRESSION_DOCS}`,
  )}
gates:
  regression:
    p50: 5%
    p99: 10%
    throughput: 5%
`;
}

function note<T>(finding: Finding<T>, label: string): string {
  return finding.detected ? `detected: ${label} (${finding.from})` : `default: ${label} — ${finding.reason}`;
}

/** Text as YAML comment lines of at most WIDTH characters; control characters cannot end the comment. */
function comment(text: string, indent = ''): string {
  // eslint-disable-next-line no-control-regex -- text quoted from the project's files is made one line
  const words = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent.length + 2 + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l) => `${indent}# ${l}`).join('\n');
}

/** Plain when YAML reads it back as the same string, else double-quoted (JSON's escapes are YAML's). */
function yamlString(value: string): string {
  return /^[\w./@'-][\w ./@'+-]*$/.test(value) && !value.endsWith(' ') ? value : JSON.stringify(value);
}
