/**
 * What `perfgate init` reads out of a server's start file: the port it listens on, whether it
 * takes the port from PORT, and a health route. Regular expressions over the text only: the
 * project's code is never run (it is not trusted, and running it could bind ports or need a
 * database), so a port computed at run time is simply not found and the caller says so.
 */

/** How much of a start file is read: bundled or minified servers can be megabytes. */
export const SCAN_LIMIT_BYTES = 200 * 1024;

export interface SourceScan {
  /** The port found, and the text it was found in (quoted in the config's comment). */
  port?: { value: number; match: string };
  /** The server reads process.env.PORT, so perfgate can choose the port through sut.env. */
  readsPortEnv: boolean;
  healthPath?: '/health' | '/healthz';
}

const ENV_PORT = String.raw`process\.env(?:\.PORT\b|\[\s*['"]PORT['"]\s*\])`;

/**
 * Most specific first: the fallback of `process.env.PORT || 3000` (also `?? 3000`, and inside
 * Number(…) or parseInt(…, 10)) is the port when PORT is unset; then a literal `.listen(3000`;
 * then an assignment such as `port: 3000`, `const PORT = 8080` or `{ PORT = 3000 } = process.env`.
 */
const PORT_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`${ENV_PORT}[^;\n]{0,30}?(?:\|\||\?\?)\s*['"]?(\d{1,5})\b`),
  /\.listen\(\s*(\d{1,5})\b/,
  /\bport\s*[:=]\s*['"]?(\d{1,5})\b/i,
];

const READS_PORT_ENV: readonly RegExp[] = [
  new RegExp(ENV_PORT),
  // const { PORT = 3000 } = process.env
  /\{[^}]*\bPORT\b[^}]*\}\s*=\s*process\.env\b/,
];

/** '/health' or '/healthz' as a whole path in a string ('GET /health' counts, '/healthcheck' does not). */
const HEALTH_PATH = /(?<=['"`\s])\/(healthz?)(?=['"`?\s])/;

export function scanSource(text: string): SourceScan {
  const health = HEALTH_PATH.exec(text)?.[1];
  return {
    port: findPort(text),
    readsPortEnv: READS_PORT_ENV.some((re) => re.test(text)),
    healthPath: health === 'health' || health === 'healthz' ? `/${health}` : undefined,
  };
}

function findPort(text: string): SourceScan['port'] {
  for (const pattern of PORT_PATTERNS) {
    const m = pattern.exec(text);
    const value = Number(m?.[1]);
    // Port 0 ("any free port") cannot be loaded: perfgate must know the port in advance.
    if (m && Number.isInteger(value) && value >= 1 && value <= 65_535) return { value, match: m[0].trim() };
  }
  return undefined;
}

/** `PORT=4000 node server.js` in a package.json script: that assignment wins over sut.env. */
export function portSetByScript(script: string): number | undefined {
  const value = Number(/(?:^|\s)PORT=['"]?(\d{1,5})\b/.exec(script)?.[1]);
  return Number.isInteger(value) && value >= 1 && value <= 65_535 ? value : undefined;
}
