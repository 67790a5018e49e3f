/**
 * How a check failure shows what came back: a body or a value cut to its first 200 characters
 * (enough to read an API's error message), its size when cut, control characters escaped so that
 * a failure stays one line in the report and cannot move a terminal's cursor.
 */

/** Characters of a body (or value) shown in a failure. */
const SHOWN_CHARS = 200;

export function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

/** A value shown in a failure, quoted as a JSON string unless it is JSON text already; cut and escaped. */
export function show(text: string, quote = true): string {
  const cut = clip(text, quote);
  const shown = quote ? `"${cut.text}"` : cut.text;
  return cut.more ? `${shown}…` : shown;
}

/** A body in a failure: its first 200 characters, escaped, and its size when cut. */
export function snippet(text: string, totalBytes: number): string {
  if (text === '') return '(empty)';
  const cut = clip(text, false);
  return cut.more ? `${cut.text}… (${bytes(totalBytes)})` : cut.text;
}

/**
 * The escaped text, up to 200 characters after escaping (so a body of control characters stays
 * short too), never cutting an escape sequence or a surrogate pair in two.
 */
function clip(text: string, quote: boolean): { text: string; more: boolean } {
  let out = '';
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    const piece = pair ? text.slice(i, i + 2) : escapeChar(text[i] as string, code, quote);
    if (out.length + piece.length > SHOWN_CHARS) break;
    out += piece;
    if (pair) i++;
  }
  return { text: out, more: i < text.length };
}

/** \n, \r, \t by name, other controls (C0, DEL, C1, U+2028/9) as \u00XX; `"` and `\` when quoted. */
function escapeChar(c: string, code: number, quote: boolean): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
    return `\\u${code.toString(16).padStart(4, '0')}`;
  }
  if (quote && (c === '"' || c === '\\')) return `\\${c}`;
  return c;
}
