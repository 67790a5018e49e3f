/**
 * What perfgate knows to be secret in a run, and the environment the SUT gets.
 *
 * Secret: the value of every variable of perfgate's environment whose name says so (…TOKEN,
 * …SECRET, …PASSWORD, …KEY, …CREDENTIAL, …AUTH…) and the runner's ACTIONS_* values; the
 * same for sut.env; and the password of every URL in sut.env (postgres://user:pass@host).
 *
 * The SUT's environment: only an allow-list from perfgate's own (the basics a program needs,
 * plus what sut.inheritEnv names), then sut.env and what the collectors add. The SUT is
 * untrusted code: a pull request can make it print its environment.
 */
import type { SutConfig } from '../config/schema.js';
import { isRunnerCredential } from '../config/schema.js';

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH/i;

/** What every program expects to find; none of it is a credential. */
const BASIC_ENV = /^(PATH|HOME|USER|LOGNAME|SHELL|TERM|TZ|LANG|LANGUAGE|LC_[A-Z]+|TMPDIR|TMP|TEMP|CI)$/;

export function collectSecrets(sut: Pick<SutConfig, 'env'>, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    // The runner's ACTIONS_* values are credentials or their endpoints; INPUT_* values are the
    // step's inputs (a config path…), secret only when their name says so, like any other.
    if (value && (SECRET_NAME.test(name) || /^ACTIONS_/i.test(name))) out.push(value);
  }
  for (const [name, value] of Object.entries(sut.env)) {
    if (SECRET_NAME.test(name)) out.push(value);
    out.push(...urlPasswords(value));
  }
  return [...new Set(out)];
}

/** Passwords of the URLs in a value (as written and percent-decoded); the user name stays readable. */
function urlPasswords(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/gi)) {
    const password = m[1];
    if (password) out.push(password, decodeURIComponentSafe(password));
  }
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The part of perfgate's environment the SUT inherits: the basics and what sut.inheritEnv names. */
export function inheritedSutEnv(sut: Pick<SutConfig, 'inheritEnv'>, env: NodeJS.ProcessEnv): Record<string, string> {
  const allowed = new Set(sut.inheritEnv);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || isRunnerCredential(name)) continue;
    if (BASIC_ENV.test(name) || allowed.has(name)) out[name] = value;
  }
  return out;
}
