import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const FIXTURES = path.resolve('test/fixtures/servers');

export interface FixtureServer {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** Starts a fixture server on a free loopback port in its own process and waits for "listening on". */
export function startFixture(name: string, env: Record<string, string> = {}): Promise<FixtureServer> {
  const child = spawn(process.execPath, [path.join(FIXTURES, name)], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        child.removeAllListeners('exit');
        resolve({
          url: m[1],
          child,
          close: () =>
            new Promise((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGKILL');
            }),
        });
      }
    });
  });
}
