/** The SUT's log tail, shown with a crash or a failed start (masked by the caller). */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lines` lines of a file, reading at most its last 64 KiB. */
export function readTail(file: string, lines: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8').replace(/\n$/, '').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
