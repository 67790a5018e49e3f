/** Replaces every occurrence of a secret value (4+ characters) with *** before text leaves perfgate. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
