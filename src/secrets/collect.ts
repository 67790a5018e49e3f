/**
 * What perfgate knows to be secret in a run, and the environment the SUT gets.
 *
 * Secret: the value of every variable of perfgate's environment whose name says so (…TOKEN,
 * …SECRET, …PASSWORD, …KEY, …CREDENTIAL, …AUTH…) and the runner's ACTIONS_* values; the
 * same for sut.env; the password of every URL in sut.env (postgres://user:pass@host); and every
 * value `${NAME}` took from the environment, whatever its name (config/interpolate.ts), also as
 * it looks inside a JSON body or a URL, the forms a SUT that logs its requests prints.
 *
 * The SUT's environment: only an allow-list from perfgate's own (the basics a program needs,
 * plus what sut.inheritEnv names), then sut.env and what the collectors add. The SUT is
 * untrusted code: a pull request can make it print its environment.
 */
import { isRunnerCredential } from '../config/credentials.js';
import type { Settings, SutConfig } from '../config/schema.js';

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH/i;

/** What every program expects to find; none of it is a credential. */
const BASIC_ENV = /^(PATH|HOME|USER|LOGNAME|SHELL|TERM|TZ|LANG|LANGUAGE|LC_[A-Z]+|TMPDIR|TMP|TEMP|CI)$/;

/** What collectSecrets reads of the settings: the SUT's environment and the interpolated values. */
export interface SecretSources {
  config: { sut: Pick<SutConfig, 'env'> };
  interpolated: Settings['interpolated'];
}

export function collectSecrets(settings: SecretSources, env: NodeJS.ProcessEnv): string[] {
  const { sut } = settings.config;
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
  for (const { value } of settings.interpolated) out.push(value, ...encodedForms(value));
  return [...new Set(out)];
}

/** A value as a JSON body (mix.ts stringifies object bodies) and as a URL component carry it. */
function encodedForms(value: string): string[] {
  return [JSON.stringify(value).slice(1, -1), encodeURIComponent(value)].filter((v) => v !== value);
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
