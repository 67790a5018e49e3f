/**
 * The servers the load-engine benches load (bench/load-engine.ts, bench/engine-before-after.ts):
 * a trivial Node server that competes with the generator for this machine's cores, and Debian's
 * nginx with one worker serving a 1 KiB static file, which is not the limit. nginx must be
 * installed (`apt-get install nginx-light` or `nginx`).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/helpers/processes.js';
import { startFixture } from '../test/helpers/servers.js';

export interface Target {
  name: string;
  /** The server's root process, whose tree the monitor samples. */
  pid: number;
  url: string;
  path: string;
  close(): Promise<void>;
}

export async function nodeTarget(): Promise<Target> {
  const server = await startFixture('behaviours.mjs');
  return { name: 'node', pid: server.child.pid as number, url: server.url, path: '/fast', close: () => server.close() };
}

/** nginx with one worker and a 1 KiB file, in a temp prefix, as a child of this process. */
export async function nginxTarget(): Promise<Target> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-nginx-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'file.txt'), 'x'.repeat(1024));
  // nginx's worker runs as `nobody` when started as root: the folder must be readable (mkdtemp makes it 0700).
  chmodSync(dir, 0o755);
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp;
  uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server { listen 127.0.0.1:${port}; root ${dir}; }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'inherit',
  });
  for (let i = 0; i < 50; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/file.txt`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: 'nginx',
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    path: '/file.txt',
    close: async () => {
      child.kill('SIGQUIT');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
