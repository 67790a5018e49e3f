/**
 * Finds a JMeter to run: JMETER_BIN (a jmeter executable), JMETER_HOME/bin/jmeter (JMeter 5.x as
 * on GitHub runners), Debian's /usr/share/jmeter (2.13, started through the launcher below), or
 * `jmeter` on PATH.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoadError } from '../errors.js';
import { LAUNCHER_CLASS, LAUNCHER_SOURCE } from './launcher-source.js';

export interface JMeterCommand {
  command: string;
  /** Arguments that come before JMeter's own (java options and the launcher class). */
  prefix: string[];
  describe: string;
}

const DEBIAN_HOME = '/usr/share/jmeter';
const XSTREAM = '/usr/share/java/xstream.jar';

export function locateJMeter(env: NodeJS.ProcessEnv): JMeterCommand {
  if (env.JMETER_BIN) return { command: env.JMETER_BIN, prefix: [], describe: env.JMETER_BIN };
  if (env.JMETER_HOME) {
    const bin = path.join(env.JMETER_HOME, 'bin', 'jmeter');
    if (!existsSync(bin))
      throw new LoadError(`JMETER_HOME=${env.JMETER_HOME}: no bin/jmeter there; expected a JMeter installation folder`);
    return { command: bin, prefix: [], describe: bin };
  }
  if (existsSync(path.join(DEBIAN_HOME, 'bin', 'ApacheJMeter.jar')) && existsSync(XSTREAM)) return debianLauncher();
  return { command: 'jmeter', prefix: [], describe: 'jmeter on PATH' };
}

function debianLauncher(): JMeterCommand {
  const jars = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.jar'))
          .map((f) => path.join(dir, f))
      : [];
  const classpath = [
    path.join(DEBIAN_HOME, 'bin', 'ApacheJMeter.jar'),
    ...jars(path.join(DEBIAN_HOME, 'lib')),
    ...jars(path.join(DEBIAN_HOME, 'lib', 'ext')),
    XSTREAM,
  ];
  const hash = createHash('sha256').update(LAUNCHER_SOURCE).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `perfgate-jmeter-${hash}`);
  if (!existsSync(path.join(dir, `${LAUNCHER_CLASS}.class`))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${LAUNCHER_CLASS}.java`), LAUNCHER_SOURCE);
    try {
      execFileSync('javac', ['-cp', classpath.join(':'), '-d', dir, path.join(dir, `${LAUNCHER_CLASS}.java`)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      throw new LoadError(
        `could not compile perfgate's launcher for Debian's JMeter (javac): ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).slice(0, 300)}; set JMETER_HOME to a JMeter 5.x instead`,
      );
    }
  }
  return {
    command: 'java',
    prefix: ['-cp', [dir, ...classpath].join(':'), `-Djmeter.home=${DEBIAN_HOME}`, LAUNCHER_CLASS],
    describe: `Debian's JMeter 2.13 through perfgate's launcher`,
  };
}
