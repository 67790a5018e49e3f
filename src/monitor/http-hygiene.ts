/**
 * One GET of a path with the headers a browser sends, recording what the answer says about
 * compression and connection reuse; src/analyze/hygiene.ts judges it. Sent to the SUT only,
 * after the profile's load.
 *
 * The probe asks to keep the connection (a keep-alive agent, as a browser and the load do). It
 * once went out with `agent: false`, for which Node's client itself sends `Connection: close`: a
 * Node server echoes it, and every Node SUT was told to "keep connections alive" (issue 16). A
 * server that answers a keep-alive request with `close` does close after every answer.
 */
import http from 'node:http';
import type { HygieneFinding } from '../model/hygiene.js';

export async function probeHttp(baseUrl: string, path: string, timeoutMs = 5000): Promise<HygieneFinding | undefined> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await probeWith(agent, baseUrl, path, timeoutMs);
  } finally {
    agent.destroy();
  }
}

function probeWith(
  agent: http.Agent,
  baseUrl: string,
  path: string,
  timeoutMs: number,
): Promise<HygieneFinding | undefined> {
  return new Promise((resolve) => {
    const req = http.get(
      baseUrl + path,
      { headers: { 'accept-encoding': 'gzip, deflate, br' }, timeout: timeoutMs, agent },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          resolve(
            (res.statusCode ?? 0) < 400
              ? {
                  path,
                  bytes,
                  contentType: String(res.headers['content-type'] ?? ''),
                  encoding: res.headers['content-encoding'],
                  connection: res.headers.connection,
                }
              : undefined,
          ),
        );
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
