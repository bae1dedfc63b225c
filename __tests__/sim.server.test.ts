import { performance } from 'node:perf_hooks';
import {
  startDatabricksSim,
  startGithubSim,
  startLinodeSim,
  startVercelSim,
  type ProviderSim,
  type SimServer
} from '../sim/index.js';
import type { LinodeSim } from '../sim/linode.js';

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('SimServer base (through the Linode simulator)', () => {
  let sim: LinodeSim;
  let token: string;
  beforeEach(async () => {
    sim = await startLinodeSim();
    token = sim.issueToken({ name: 'seed' }).value;
  });
  afterEach(() => sim.close());

  it('listens on 127.0.0.1 and logs each request with method, path, status, timing and body', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await call(sim.url, 'GET', '/v4/profile/tokens?page=1&page_size=25', token);
    await call(sim.url, 'POST', '/v4/profile/tokens', token, { label: 'new' });
    expect(sim.requests).toHaveLength(2);
    const [list, create] = sim.requests;
    expect(list).toMatchObject({
      method: 'GET',
      path: '/v4/profile/tokens?page=1&page_size=25',
      pathname: '/v4/profile/tokens',
      status: 200,
      faulted: false
    });
    expect(list?.body).toBeUndefined();
    expect(create).toMatchObject({ method: 'POST', status: 200, body: { label: 'new' }, faulted: false });
    expect(create?.headers.authorization).toBe(`Bearer ${token}`);
    expect(create!.end).toBeGreaterThanOrEqual(create!.start);
    sim.clearLog();
    expect(sim.requests).toEqual([]);
  });

  it('answers unknown routes and invalid JSON in the service shape', async () => {
    expect(await call(sim.url, 'GET', '/v4/nothing', token)).toMatchObject({
      status: 404,
      body: { errors: [{ reason: 'Not found' }] }
    });
    const bad = await call(sim.url, 'POST', '/v4/profile/tokens', token, '{not json');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errors: [{ reason: 'Invalid JSON' }] });
  });

  it('status fault: default error body, custom headers, consumed after `times`', async () => {
    sim.fault({ method: 'GET', path: '/v4/profile', status: 503, times: 2, headers: { 'retry-after': '7' } });
    for (let i = 0; i < 2; i++) {
      const r = await call(sim.url, 'GET', '/v4/profile', token);
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ errors: [{ reason: 'Please try again later.' }] });
      expect(r.headers.get('retry-after')).toBe('7');
    }
    expect((await call(sim.url, 'GET', '/v4/profile', token)).status).toBe(200);
    expect(sim.requests.map((r) => [r.status, r.faulted])).toEqual([
      [503, true],
      [503, true],
      [200, false]
    ]);
  });

  it('status fault with an explicit body; unmatched method/path are not faulted', async () => {
    sim.fault({
      method: 'POST',
      path: /^\/v4\/profile\/tokens$/,
      status: 429,
      body: { errors: [{ reason: 'slow' }] }
    });
    expect((await call(sim.url, 'GET', '/v4/profile/tokens', token)).status).toBe(200);
    const r = await call(sim.url, 'POST', '/v4/profile/tokens', token, { label: 'x' });
    expect(r).toMatchObject({ status: 429, body: { errors: [{ reason: 'slow' }] } });
    expect(sim.liveTokens()).toHaveLength(1);
  });

  it('skip lets the first matching requests through', async () => {
    sim.fault({ path: '/v4/profile', status: 500, skip: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(sim.url, 'GET', '/v4/profile', token)).status);
    expect(statuses).toEqual([200, 200, 500, 200]);
    expect(sim.requests.map((r) => r.faulted)).toEqual([false, false, true, false]);
  });

  it('Infinity times and clearFaults', async () => {
    sim.fault({ status: 500, times: Infinity });
    for (let i = 0; i < 3; i++) expect((await call(sim.url, 'GET', '/v4/profile', token)).status).toBe(500);
    sim.clearFaults();
    expect((await call(sim.url, 'GET', '/v4/profile', token)).status).toBe(200);
  });

  it('delay alone slows a normal response', async () => {
    sim.fault({ path: '/v4/profile', delayMs: 150 });
    const t0 = performance.now();
    const r = await call(sim.url, 'GET', '/v4/profile', token);
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(sim.requests[0]!.end - sim.requests[0]!.start).toBeGreaterThanOrEqual(140);
  });

  it('drop destroys the socket and changes nothing', async () => {
    sim.fault({ method: 'POST', drop: true });
    await expect(call(sim.url, 'POST', '/v4/profile/tokens', token, { label: 'lost' })).rejects.toThrow();
    expect(sim.tokens()).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ status: 0, faulted: true });
  });

  it('afterHandling + drop: the token is created but the response is lost', async () => {
    sim.fault({ method: 'POST', path: '/v4/profile/tokens', drop: true, afterHandling: true });
    await expect(call(sim.url, 'POST', '/v4/profile/tokens', token, { label: 'lost' })).rejects.toThrow();
    expect(sim.liveTokens().map((t) => t.name)).toEqual(['seed', 'lost']);
  });

  it('afterHandling + status: the token is revoked but the client sees a 502', async () => {
    const other = sim.issueToken({ name: 'victim' });
    sim.fault({ method: 'DELETE', status: 502, afterHandling: true });
    const r = await call(sim.url, 'DELETE', `/v4/profile/tokens/${other.id}`, token);
    expect(r.status).toBe(502);
    expect(sim.isLive(other.id)).toBe(false);
  });

  it('rewrite: the request takes effect, the client (and the log) get the rewritten answer, once', async () => {
    sim.fault({
      method: 'POST',
      path: '/v4/profile/tokens',
      rewrite: (b) => ({ ...(b as object), id: 'x' })
    });
    const drifted = await call(sim.url, 'POST', '/v4/profile/tokens', token, { label: 'drift' });
    expect(drifted).toMatchObject({ status: 200, body: { id: 'x', label: 'drift' } });
    expect(sim.requests[0]).toMatchObject({ faulted: true, response: { id: 'x' } });
    expect(sim.liveTokens().map((t) => t.name)).toEqual(['seed', 'drift']);
    const next = await call(sim.url, 'POST', '/v4/profile/tokens', token, { label: 'plain' });
    expect(next.body).toMatchObject({ id: expect.any(Number) });
  });

  it('latencyMs delays every response', async () => {
    sim.latencyMs = 100;
    const t0 = performance.now();
    expect((await call(sim.url, 'GET', '/v4/profile', token)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('enforces its rate limit with the service status and headers', async () => {
    sim.rateLimit = { limit: 2, windowMs: 60_000, status: 429 };
    expect((await call(sim.url, 'GET', '/v4/profile', token)).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call(sim.url, 'GET', '/v4/profile', token)).status).toBe(200);
    const r = await call(sim.url, 'GET', '/v4/profile', token);
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ errors: [{ reason: 'Too Many Requests' }] });
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('close() returns while a delayed response is pending', async () => {
    sim.fault({ delayMs: 60_000 });
    const pending = call(sim.url, 'GET', '/v4/profile', token).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await sim.close();
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    sim = await startLinodeSim(); // for afterEach
  });
});

describe('default fault bodies per service', () => {
  const cases: [string, () => Promise<SimServer>, unknown][] = [
    [
      'github',
      startGithubSim,
      { message: 'Internal Server Error', documentation_url: 'https://docs.github.com/rest', status: '500' }
    ],
    [
      'vercel',
      startVercelSim,
      { error: { code: 'internal_server_error', message: 'An unexpected error occurred.' } }
    ],
    ['databricks', startDatabricksSim, { error_code: 'INTERNAL_ERROR', message: 'HTTP 500' }],
    ['linode', startLinodeSim, { errors: [{ reason: 'Please try again later.' }] }]
  ];
  it.each(cases)('%s', async (_name, start, expected) => {
    const sim = await start();
    try {
      sim.fault({ status: 500 });
      const r = await call(sim.url, 'GET', '/anything');
      expect(r).toMatchObject({ status: 500, body: expected });
    } finally {
      await sim.close();
    }
  });

  it('issueToken, isLive and revokeToken behave alike on every provider', async () => {
    const sims: ProviderSim[] = [await startVercelSim(), await startDatabricksSim(), await startLinodeSim()];
    try {
      for (const sim of sims) {
        const { id, value } = sim.issueToken({ name: 'seed' });
        expect(sim.isLive(id)).toBe(true);
        expect(sim.isLive(value)).toBe(true);
        expect(sim.revokeToken(id)).toBe(true);
        expect(sim.revokeToken(id)).toBe(false);
        expect(sim.isLive(value)).toBe(false);
        expect(sim.tokens().map((t) => t.revoked)).toEqual([true]);
        expect(sim.liveTokens()).toEqual([]);
      }
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });
});
