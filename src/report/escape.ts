/**
 * Escapes text from outside perfgate (SUT output, server responses, profile names, the PR's
 * config) for a markdown line or table cell, so that it renders as the literal text: HTML is
 * entity-encoded (no `<img onerror>`, no `</details>` that closes a section), markdown
 * punctuation is backslash-escaped (no links, emphasis, or a `|` that splits a cell), `@` is
 * an entity (no @mentions or @everyone pings) and `://` is broken up (no autolinks).
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

/** Text for inside an inline code span: backticks cannot close it, newlines cannot end it. */
export function inlineCode(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\r?\n/g, ' ') + '`';
}
