import type { ErrorClass } from '../model/result.js';

/** Error class of an HTTP status; undefined for success (1xx–3xx). */
export function classifyStatus(status: number): ErrorClass | undefined {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return undefined;
}

/** Error class of a transport failure (autocannon 'reqError' or an undici error). */
export function classifyTransportError(error: { code?: string; message?: string }): ErrorClass {
  const code = error.code ?? '';
  const message = (error.message ?? '').toLowerCase();
  if (code === 'ECONNREFUSED') return 'refused';
  if (
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    message.includes('timed out') ||
    message.includes('timeout')
  )
    return 'timeout';
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CLOSED' ||
    message.includes('socket hang up') ||
    message.includes('other side closed')
  )
    return 'reset';
  return 'other';
}

/**
 * A transport failure as an error sample says it: an errno code alone (`ECONNRESET`), since its
 * message repeats it with an address; any other code with its message, which a code like
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE` needs ("unable to verify the first certificate").
 */
export function transportErrorText(error: { code?: string; message?: string }): string {
  const { code, message } = error;
  if (!code) return message ?? 'unknown error';
  if (/^E[A-Z]+$/.test(code) || !message || message.includes(code)) return code;
  return `${code}: ${message}`;
}
