/** Reading markdown as GitHub would, for the fault tests of the comment. */

/**
 * The text of `md` outside inline code spans, as CommonMark reads it: a run of n backticks opens
 * a span that only the next run of exactly n closes; outside a span, a backslash escapes a
 * backtick. What is left is where GitHub would render mentions and HTML.
 */
export function outsideCode(md: string): string {
  let out = '';
  let i = 0;
  while (i < md.length) {
    if (md[i] === '\\') {
      out += md.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (md[i] !== '`') {
      out += md[i];
      i++;
      continue;
    }
    let n = 0;
    while (md[i + n] === '`') n++;
    const closer = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
    closer.lastIndex = i + n;
    const m = closer.exec(md);
    if (m) i = m.index + n;
    else {
      out += '`'.repeat(n);
      i += n;
    }
  }
  return out;
}
