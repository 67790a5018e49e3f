/**
 * The runner's and perfgate's own credentials, in one place: the SUT never inherits them
 * (sut.inheritEnv), `${NAME}` never reads them (config/interpolate.ts), and they are secrets
 * (secrets/collect.ts). Its own module so that the schema and the interpolation can both use it.
 */

/** The runner's and perfgate's own credentials: never handed to the SUT, whatever the config says. */
export function isRunnerCredential(name: string): boolean {
  return (
    /^(ACTIONS_|INPUT_)/i.test(name) || /^(GITHUB_TOKEN|GH_TOKEN|ACTIONS_ID_TOKEN_REQUEST_(TOKEN|URL))$/i.test(name)
  );
}
