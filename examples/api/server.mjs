// An example API (also a test SUT) that behaves like a real one, Conduit-style: login returns a JWT that
// expires, authenticated routes answer 401 without one, creating an article with a title that
// exists answers 422, and /api/flaky answers 200 with an error body. Listens on PORT (0 = any
// free port) on 127.0.0.1 and prints "listening on http://127.0.0.1:PORT".
// The password of every user (user1@demo.test … user50@demo.test) is CONDUIT_PASSWORD.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';

const PASSWORD = process.env.CONDUIT_PASSWORD ?? 'conduit-password';
const TOKEN_TTL_S = Number(process.env.TOKEN_TTL_S ?? 60);
const KEY = randomBytes(32);
const users = new Set(Array.from({ length: 50 }, (_, i) => `user${i + 1}@demo.test`));
const titles = new Set();
const articles = [];
const counts = { logins: 0, created: 0, duplicates: 0, unauthorized: 0 };

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const sign = (payload) => {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', KEY).update(head).digest('base64url')}`;
};
function verify(header) {
  const token = /^Token (\S+)$/.exec(header ?? '')?.[1];
  if (!token) return undefined;
  const [h, p, s] = token.split('.');
  if (!s || createHmac('sha256', KEY).update(`${h}.${p}`).digest('base64url') !== s) return undefined;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  return payload.exp * 1000 > Date.now() ? payload : undefined;
}

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const readJson = (req) =>
  new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(undefined);
      }
    });
  });

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /health') return send(res, 200, { ok: true });
  if (route === 'GET /counts') return send(res, 200, counts);
  if (route === 'GET /api/articles')
    return send(res, 200, { articles: articles.slice(-10), articlesCount: articles.length });
  if (route === 'GET /api/flaky') return send(res, 200, { errors: { body: ['the database is down'] } });
  if (route === 'POST /api/users/login') {
    const body = await readJson(req);
    const email = body?.user?.email;
    if (typeof email !== 'string' || typeof body?.user?.password !== 'string')
      return send(res, 422, { errors: { body: ['email and password are required'] } });
    if (!users.has(email) || body.user.password !== PASSWORD)
      return send(res, 401, { errors: { 'email or password': ['is invalid'] } });
    counts.logins++;
    return send(res, 200, {
      user: { email, token: sign({ email, exp: Math.floor(Date.now() / 1000) + TOKEN_TTL_S }) },
    });
  }
  const user = verify(req.headers.authorization);
  if (route === 'GET /api/user' || route === 'POST /api/articles') {
    if (!user) {
      counts.unauthorized++;
      return send(res, 401, { errors: { token: ['is missing or invalid'] } });
    }
  }
  if (route === 'GET /api/user') return send(res, 200, { user: { email: user.email } });
  if (route === 'POST /api/articles') {
    const body = await readJson(req);
    const title = body?.article?.title;
    if (typeof title !== 'string' || !title) return send(res, 422, { errors: { title: ["can't be blank"] } });
    if (titles.has(title)) {
      counts.duplicates++;
      return send(res, 422, { errors: { title: ['must be unique'] } });
    }
    titles.add(title);
    counts.created++;
    const article = { slug: title.toLowerCase().replace(/\W+/g, '-'), title, author: user.email };
    articles.push(article);
    if (articles.length > 1000) articles.shift();
    return send(res, 201, { article });
  }
  return send(res, 404, { errors: { route: ['not found'] } });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
