/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp dir (as the `postgres` user, since
 * initdb refuses root), a free port on 127.0.0.1, the socket in the temp dir, pg_stat_statements
 * preloaded; stopped with pg_ctl (fast) and removed afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './processes.js';

const BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((d) =>
  existsSync(path.join(d, 'initdb')),
);

export interface TestPostgres {
  url: string;
  stop(): void;
}

function asPostgres(cmd: string, args: string[]): void {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const r = spawnSync(cmd, args, {
    uid: process.getuid?.() === 0 ? uid : undefined,
    gid: process.getuid?.() === 0 ? gid : undefined,
    encoding: 'utf8',
  } as Parameters<typeof spawnSync>[2] & object);
  if (r.status !== 0)
    throw new Error(`${path.basename(cmd)} failed (${r.status}): ${String(r.stderr ?? '')}${String(r.stdout ?? '')}`);
}

export async function startPostgres(): Promise<TestPostgres> {
  if (!BIN)
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install postgresql (.ci/run does)',
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  if (process.getuid?.() === 0) chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  asPostgres(path.join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  asPostgres(path.join(BIN, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-t',
    '30',
    'start',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c fsync=off -c max_connections=20`,
  ]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asPostgres(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
