/**
 * `${NAME}` from the environment in sut.env, sut.url and the requests' path, headers and body
 * (issue 13): resolved on the parsed YAML, refused with the field and the variable named when it
 * cannot be, and every value taken counted as a secret.
 */
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { configErrorOf } from '../helpers/config.js';
import { parseSettings } from '../../src/config/read.js';
import type { Settings } from '../../src/config/schema.js';
import { ExitCode } from '../../src/errors.js';
import { collectSecrets } from '../../src/secrets/collect.js';
import { maskableSecrets, maskSecrets } from '../../src/secrets/mask.js';

const FILE = '/project/perfgate.yml';

const config = (requests: string, sut = '') => `version: 1
sut:
  url: http://127.0.0.1:3000
${sut}profiles:
  - name: api
    kind: load
    requests:
${requests}`;

const errorOf = (yaml: string, env: Record<string, string>) => configErrorOf(yaml, env, FILE);

function requestsOf(s: Settings, profile = 0) {
  const p = s.config.profiles[profile];
  if (!p || !('requests' in p)) throw new Error('no requests');
  return p.requests;
}

describe('${NAME} in perfgate.yml', () => {
  it('resolves in sut.env, sut.url and the path, headers and body of every request, load and stress alike', () => {
    const env = { API_TOKEN: 'tok-123456', HOST_PORT: '127.0.0.1:4000', DB_PASS: 'pw-9999', ITEM: 'item-42' };
    const s = parseSettings(
      `version: 1
sut:
  url: http://\${HOST_PORT}
  env: { DATABASE_URL: "postgres://app:\${DB_PASS}@127.0.0.1/app", WORKERS: 4 }
profiles:
  - name: api
    kind: load
    requests:
      - path: /items/\${ITEM}?v=1
        headers: { authorization: "Bearer \${API_TOKEN}" }
        body: { item: { id: "\${ITEM}", tags: ["a", "\${ITEM}"], count: 3 } }
  - name: ramp
    kind: stress
    rate: { start: 10, step: 10, max: 20 }
    requests:
      - { method: POST, path: /login, body: 'token=\${API_TOKEN}' }
`,
      FILE,
      env,
    );
    expect(s.config.sut.url).toBe('http://127.0.0.1:4000');
    expect(s.config.sut.env).toEqual({ DATABASE_URL: 'postgres://app:pw-9999@127.0.0.1/app', WORKERS: '4' });
    expect(requestsOf(s)[0]).toMatchObject({
      path: '/items/item-42?v=1',
      headers: { authorization: 'Bearer tok-123456' },
      body: { item: { id: 'item-42', tags: ['a', 'item-42'], count: 3 } },
    });
    expect(requestsOf(s, 1)[0]?.body).toBe('token=tok-123456');
    expect(s.interpolated.map((i) => [i.path.join('.'), i.name])).toEqual([
      ['sut.env.DATABASE_URL', 'DB_PASS'],
      ['sut.url', 'HOST_PORT'],
      ['profiles.0.requests.0.path', 'ITEM'],
      ['profiles.0.requests.0.headers.authorization', 'API_TOKEN'],
      ['profiles.0.requests.0.body.item.id', 'ITEM'],
      ['profiles.0.requests.0.body.item.tags.1', 'ITEM'],
      ['profiles.1.requests.0.body', 'API_TOKEN'],
    ]);
  });

  it('keeps a value with quotes, a colon and newlines as one string: the YAML is parsed first', () => {
    const value = 'a"b\'c: d\n- e: [f]\n}';
    const s = parseSettings(config('      - headers: { x-key: "${KEY_VALUE}" }\n'), FILE, { KEY_VALUE: value });
    expect(requestsOf(s)[0]?.headers).toEqual({ 'x-key': value });
  });

  it('leaves ${…} as written outside those fields: names, header names, body keys and a robustness path', () => {
    const s = parseSettings(
      `version: 1
sut: { url: "http://127.0.0.1:3000" }
profiles:
  - name: "\${NAME}"
    kind: load
    requests: [{ path: /a, headers: { "x-\${H}": v }, body: { "\${K}": v } }]
  - { name: bad, kind: robustness, path: "/\${P}" }
`,
      FILE,
      {},
    );
    expect(s.config.profiles.map((p) => p.name)).toEqual(['${NAME}', 'bad']);
    expect(requestsOf(s)[0]).toMatchObject({ headers: { 'x-${H}': 'v' }, body: { '${K}': 'v' } });
    expect(s.config.profiles[1]).toMatchObject({ path: '/${P}' });
    expect(s.interpolated).toEqual([]);
  });

  it('reads $${ as a literal ${ and leaves a lone $ alone', () => {
    const s = parseSettings(config('      - { path: "/p?a=$${X}&b=$$y&c=$z", body: "$${A} ${A}" }\n'), FILE, {
      A: 'aaaa',
    });
    expect(requestsOf(s)[0]).toMatchObject({ path: '/p?a=${X}&b=$$y&c=$z', body: '${A} aaaa' });
  });

  it('resolves an alias used twice in each place, once per place', () => {
    const s = parseSettings(
      config(
        '      - { path: /a, headers: &auth { authorization: "Bearer ${T}" } }\n      - { path: /b, headers: *auth }\n',
      ),
      FILE,
      { T: 'token-1234' },
    );
    expect(requestsOf(s).map((r) => r.headers.authorization)).toEqual(['Bearer token-1234', 'Bearer token-1234']);
    expect(s.interpolated).toHaveLength(2);
  });

  it('takes ${NAME:-default} when the variable is unset or empty, and does not count the default as a secret', () => {
    const s = parseSettings(
      config('      - { path: "/${V:-fallback}", headers: { x-a: "${E:-}", x-b: "${S:-d}" } }\n'),
      FILE,
      {
        E: '',
        S: 'set-value',
      },
    );
    expect(requestsOf(s)[0]).toMatchObject({ path: '/fallback', headers: { 'x-a': '', 'x-b': 'set-value' } });
    expect(s.interpolated.map((i) => i.value)).toEqual(['set-value']);
  });
});

describe('a variable that cannot be resolved', () => {
  it('is a config error (exit 2) naming the file, the field, the line and the variable, and saying how to set it', () => {
    const e = errorOf(
      config('      - path: /a\n      - path: /b\n        headers: { authorization: "Bearer ${API_TOKEN}" }\n'),
      {},
    );
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toBe(
      'perfgate.yml is not valid:\n' +
        '  profiles[0].requests[1].headers.authorization: ${API_TOKEN} is not set (perfgate.yml:10)\n' +
        "set API_TOKEN in perfgate's environment (API_TOKEN=… perfgate run), or in a GitHub workflow from a secret, on the perfgate step: env: { API_TOKEN: ${{ secrets.API_TOKEN }} }",
    );
  });

  it('lists every field at once', () => {
    const e = errorOf(config('      - { path: "/${A}", body: { x: ["${B}"] } }\n', '  env: { K: "${C}" }\n'), {});
    expect(e.message).toContain('  sut.env.K: ${C} is not set');
    expect(e.message).toContain('  profiles[0].requests[0].path: ${A} is not set');
    expect(e.message).toContain('  profiles[0].requests[0].body.x[0]: ${B} is not set');
    expect(e.message).toContain("set each variable in perfgate's environment");
  });

  it('refuses an empty value (what GitHub gives for a missing secret) and says how to allow one', () => {
    const e = errorOf(config('      - headers: { authorization: "Bearer ${API_TOKEN}" }\n'), { API_TOKEN: '' });
    expect(e.message).toContain('${API_TOKEN} is set but empty');
    expect(e.message).toContain('write ${API_TOKEN:-} to allow an empty value');
  });

  it.each([
    ['${API-TOKEN}', '"${API-TOKEN}" is not a variable reference'],
    ['${ TOKEN }', '"${ TOKEN }" is not a variable reference'],
    ['${1ST}', '"${1ST}" is not a variable reference'],
    ['${}', '"${}" is not a variable reference'],
    ['Bearer ${TOKEN', '"${TOKEN" has no closing "}"'],
  ])('refuses %s, which would be sent as written', (header, text) => {
    const e = errorOf(config(`      - headers: { authorization: "${header}" }\n`), { TOKEN: 'x', 'API-TOKEN': 'x' });
    expect(e.message).toContain(`profiles[0].requests[0].headers.authorization: ${text}`);
    expect(e.message).toContain('or $${ for a literal ${');
  });

  it.each(['GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'INPUT_GITHUB_TOKEN'])(
    'refuses the runner credential ${%s} even when it is set: the SUT is the code under test',
    (name) => {
      const e = errorOf(config('      - path: /\n', `  env: { T: "\${${name}}" }\n`), { [name]: 'ghs_secret-value' });
      expect(e.message).toContain(`sut.env.T: \${${name}} is a credential of the runner or of perfgate itself`);
      expect(e.message).not.toContain('ghs_secret-value');
    },
  );

  it('masks a value from the environment that the schema refuses', () => {
    const e = errorOf(config('      - path: /\n').replace('http://127.0.0.1:3000', '${BASE_URL}'), {
      BASE_URL: 'ftp://user:hunter2-secret@example.test',
    });
    expect(e.message).toContain('sut.url: "***" is not an http(s) URL');
    expect(e.message).not.toContain('hunter2');
  });

  it('refuses a body that refers to itself through an alias', () => {
    const e = errorOf(config('      - { method: POST, path: /, body: &b { self: [*b] } }\n'), {});
    expect(e.message).toContain('profiles[0].requests[0].body.self[0]: refers to itself');
  });
});

describe('interpolated values as secrets', () => {
  const s = parseSettings(
    config('      - { path: "/q?k=${QUERY_KEY}", body: { note: "${NOTE}" }, headers: { x-short: "${SHORT}" } }\n'),
    FILE,
    { QUERY_KEY: 'k y&z/1234', NOTE: 'line one\nline "two"', SHORT: 'ab' },
  );
  const secrets = collectSecrets(s, {});

  it('counts every value taken from the environment, whatever its name, with its JSON and URL forms', () => {
    expect(secrets).toEqual(
      expect.arrayContaining([
        'k y&z/1234',
        'k%20y%26z%2F1234',
        'line one\nline "two"',
        'line one\\nline \\"two\\"',
        'ab',
      ]),
    );
    expect(maskSecrets('GET /q?k=k%20y%26z%2F1234 {"note":"line one\\nline \\"two\\""}', secrets)).toBe(
      'GET /q?k=*** {"note":"***"}',
    );
  });

  it('masks no value under 4 characters, in perfgate or in the runner, and gives the runner each line of a long one', () => {
    expect(maskSecrets('ab cd', secrets)).toBe('ab cd');
    const runner = maskableSecrets(secrets);
    expect(runner).not.toContain('ab');
    expect(runner).toEqual(expect.arrayContaining(['line one', 'line "two"', 'line one\nline "two"']));
  });
});

describe('the JSON Schema', () => {
  type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; oneOf?: Node[]; description?: string };
  const schema = configJsonSchema() as Node;
  const sut = schema.properties?.sut?.properties ?? {};
  const profiles = [
    ...(schema.properties?.profiles?.items?.oneOf ?? []),
    ...(schema.properties?.profiles?.items?.anyOf ?? []),
  ];
  const requestFields = profiles.flatMap((p) => {
    const fields = p.properties?.requests?.items?.properties;
    return fields ? [fields.path, fields.headers, fields.body] : [];
  });

  it('describes ${NAME} on sut.env, sut.url and the path, headers and body of every kind of profile with requests', () => {
    expect(requestFields).toHaveLength(6); // load and stress
    for (const field of [sut.env, sut.url, ...requestFields])
      expect(field?.description).toContain('${NAME} is replaced by the environment variable NAME');
    expect(schema.properties?.version?.description).toBeUndefined();
  });
});
