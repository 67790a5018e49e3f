/**
 * One GET of a path with the headers a browser sends, recording what the answer says about
 * compression and connection reuse; src/analyze/hygiene.ts judges it. Sent to the SUT only,
 * after the profile's load.
 */
import http from 'node:http';
import type { HygieneFinding } from '../model/hygiene.js';

export function probeHttp(baseUrl: string, path: string, timeoutMs = 5000): Promise<HygieneFinding | undefined> {
  return new Promise((resolve) => {
    const req = http.get(
      baseUrl + path,
      { headers: { 'accept-encoding': 'gzip, deflate, br' }, timeout: timeoutMs, agent: false },
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
