/**
 * Escapes text from outside perfgate (SUT output, server responses, profile names, the PR's
 * config) for a markdown line or table cell, so that it renders as the literal text (text inside
 * an HTML tag takes escapeInHtmlBlock instead): HTML is entity-encoded (no `<img onerror>`, no
 * `</details>` that closes a section), markdown punctuation is backslash-escaped (no links,
 * emphasis, or a `|` that splits a cell), `@` is an entity (no @mentions or @everyone pings) and
 * `://` is broken up (no autolinks).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/@/g, '&#64;')
    .replace(/:\/\//g, ':&#47;&#47;')
    .replace(/\r?\n/g, ' ');
}

/** Text for report.html: the five characters that HTML gives a meaning, as entities. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text inside an HTML block of the markdown report (a `<details><summary>…</summary>` line):
 * entities only. A line that opens with `<details>` or `<summary>` is an HTML block (CommonMark §4.6), where
 * markdown is not parsed, so a backslash escape shows as a backslash: GitHub printed
 * "checkout \(p99\)" in a summary. `@` and `://` are broken up as in escapeMarkdown: GitHub
 * turns mentions into links in the text of HTML too. Newlines become spaces (a blank line would
 * end the block).
 */
export function escapeInHtmlBlock(text: string): string {
  return escapeHtml(text).replace(/@/g, '&#64;').replace(/:\/\//g, ':&#47;&#47;').replace(/\r?\n/g, ' ');
}

/**
 * An inline code span that shows `text` as it is: the fence is one backtick longer than the
 * longest backtick run inside, so no run can close it (CommonMark §6.1), and a space pads a
 * text that starts or ends with a backtick. Newlines become spaces (one would end a list item).
 * Inside a code span, `@name` and `<tag>` are literal text: GitHub neither mentions nor renders.
 */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** What marks a text cut to fit the PR comment; the full text stays in report.md and result.json. */
export const CUT_MARKER = '… (cut, see report.md)';

/** `text` cut to at most `max` characters (marker included), never inside a surrogate pair. */
export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - CUT_MARKER.length);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return text.slice(0, end) + CUT_MARKER;
}
