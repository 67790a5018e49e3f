/** The workload compiler (issue 13): fixed requests stay fixed; templates, rows and users render per send. */
import { describe, expect, it } from 'vitest';
import { requestSchema } from '../../src/config/sections/request.js';
import { compileWorkload, type DataInput } from '../../src/load/compile.js';

const req = (r: object) => requestSchema.parse(r);
const data = (scope: DataInput['scope'], onEnd: DataInput['onEnd'] = 'wrap'): DataInput => ({
  set: { file: 'users.csv', columns: ['email'], rows: [{ email: 'a@x' }, { email: 'b@x' }, { email: 'c@x' }] },
  order: 'sequential',
  onEnd,
  scope,
});

describe('compileWorkload', () => {
  it('keeps a request without templates fixed, built once', () => {
    const w = compileWorkload({ requests: [req({ path: '/a', headers: { x: 'y' } })], variables: {}, field: 'p' });
    expect(w.fixed).toBe(true);
    const [r] = w.cycle;
    expect(r?.fixed).toEqual({ method: 'GET', path: '/a', headers: { x: 'y' }, body: undefined });
    expect(r?.render(w.newUser())).toBe(r?.fixed);
  });

  it('renders variables, seq and a JSON body per send, encoding a path value', () => {
    const w = compileWorkload({
      requests: [
        req({
          method: 'POST',
          path: '/items/{{name}}?n={{seq}}',
          headers: { authorization: 'Token {{token}}' },
          body: { title: 'say "{{name}}"' },
        }),
      ],
      variables: { token: 't0k', name: 'a b' },
      field: 'profiles[0]',
    });
    expect(w.fixed).toBe(false);
    const user = w.newUser();
    const first = w.cycle[0]?.render(user);
    const second = w.cycle[0]?.render(user);
    expect(first).toMatchObject({ path: '/items/a%20b?n=0', headers: { authorization: 'Token t0k' } });
    expect(first?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first?.body ?? '')).toEqual({ title: 'say "a b"' });
    expect(second?.path).toBe('/items/a%20b?n=1');
  });

  it('draws a row per request, or one per user with scope: connection', () => {
    const requests = [req({ path: '/u/{{email}}' })];
    const perRequest = compileWorkload({ requests, variables: {}, field: 'p', data: data('request') });
    const u = perRequest.newUser();
    expect([1, 2, 3, 4].map(() => perRequest.cycle[0]?.render(u)?.path)).toEqual([
      '/u/a%40x',
      '/u/b%40x',
      '/u/c%40x',
      '/u/a%40x',
    ]);
    const perUser = compileWorkload({ requests, variables: {}, field: 'p', data: data('connection') });
    const [one, two] = [perUser.newUser(), perUser.newUser()];
    expect([perUser.cycle[0]?.render(one)?.path, perUser.cycle[0]?.render(one)?.path]).toEqual([
      '/u/a%40x',
      '/u/a%40x',
    ]);
    expect(perUser.cycle[0]?.render(two)?.path).toBe('/u/b%40x');
  });

  it('says nothing more is to be sent when the rows run out with onEnd: stop', () => {
    const w = compileWorkload({
      requests: [req({ path: '/u/{{email}}' })],
      variables: {},
      field: 'p',
      data: data('request', 'stop'),
    });
    const u = w.newUser();
    expect([1, 2, 3, 4].map(() => w.cycle[0]?.render(u)?.path)).toEqual([
      '/u/a%40x',
      '/u/b%40x',
      '/u/c%40x',
      undefined,
    ]);
  });

  it('gives each user its own variables from a per-connection setup', () => {
    const sets = [{ token: 'one' }, { token: 'two' }];
    let next = 0;
    const w = compileWorkload({
      requests: [req({ path: '/me', headers: { authorization: 'Token {{token}}' } })],
      variables: {},
      perUserNames: ['token'],
      nextUserVars: () => sets[next++ % sets.length] ?? {},
      field: 'p',
    });
    const [a, b] = [w.newUser(), w.newUser()];
    expect(w.cycle[0]?.render(a)?.headers.authorization).toBe('Token one');
    expect(w.cycle[0]?.render(b)?.headers.authorization).toBe('Token two');
  });

  it('names endpoints by request name, else method and path, one per name', () => {
    const w = compileWorkload({
      requests: [
        req({ name: 'list', path: '/a' }),
        req({ name: 'list', path: '/b' }),
        req({ method: 'POST', path: '/c' }),
      ],
      variables: {},
      field: 'p',
    });
    expect(w.endpoints).toEqual([
      { name: 'list', method: 'GET', path: '/a' },
      { name: 'POST /c', method: 'POST', path: '/c' },
    ]);
    expect(w.cycle.map((r) => r.endpoint)).toEqual([0, 0, 1]);
  });
});
