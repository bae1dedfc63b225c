import { BODY_SNIPPET, createHttpClient, HttpError, type HttpClient } from '../src/http.js';
import { providers } from '../src/providers/index.js';
import { Redactor } from '../src/redact.js';
import type { ProviderSim } from '../sim/index.js';
import { clientFor, PROVIDERS, startProviderSim } from './helpers/providers.js';
import { kitOf } from './helpers/kit/index.js';

/** The most one request may spend waiting between its attempts (issue 12, case 9). */
const BUDGET_MS = 15_000;

/** A real client against a simulator, as execute.ts builds it for the provider; sleeps recorded. */
function httpFor(sim: ProviderSim, token: string, retryAfterStatuses?: readonly number[]) {
  const sleeps: number[] = [];
  const redactor = new Redactor();
  redactor.add(token);
  const http: HttpClient = createHttpClient({
    baseUrl: sim.url,
    token,
    redactor,
    timeoutMs: 2000,
    retryAfterStatuses,
    sleep: async (ms) => {
      sleeps.push(ms);
    }
  });
  return { http, sleeps };
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(PROVIDERS)('%s: backoff', (name) => {
  let sim: ProviderSim;
  let acting: { id: string; value: string };
  const spec = providers[name];

  beforeEach(async () => {
    sim = await startProviderSim(name);
    acting = sim.issueToken({ name: 'bootstrap' });
  });
  afterEach(() => sim.close());

  test('property: whatever transient failures and Retry-After values come, one request waits at most 15 s in all', async () => {
    const next = random(12 + name.length);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const retryAfters = ['0', '1', '5', '14', '15', '16', '60', '120', '86400', 'soon', undefined];
    const broken: unknown[] = [];
    for (let run = 0; run < 60; run++) {
      const { http, sleeps } = httpFor(sim, acting.value, spec.retryAfterStatuses);
      const answers = Array.from({ length: 1 + Math.floor(next() * 5) }, () => ({
        status: pick([429, 500, 502, 503, 504]),
        retryAfter: pick(retryAfters)
      }));
      sim.clearFaults();
      sim.clearLog();
      for (const a of answers)
        sim.fault({
          status: a.status,
          headers: a.retryAfter === undefined ? {} : { 'retry-after': a.retryAfter }
        });
      await http
        .send({ method: 'GET', path: kitOf(name).list.path, headers: kitOf(name).headers })
        .catch(() => undefined);
      const total = sleeps.reduce((sum, ms) => sum + ms, 0);
      if (total > BUDGET_MS || sleeps.length > 3 || sim.requests.length > 4 || sleeps.some((ms) => ms < 0))
        broken.push({ answers, sleeps, requests: sim.requests.length });
    }
    expect(broken).toEqual([]);
  });

  test('a Retry-After on a status where it does not mean "throttled" is ignored: 0.5 s, 1 s, 2 s', async () => {
    const { http, sleeps } = httpFor(sim, acting.value, spec.retryAfterStatuses);
    const ignored = [500, 502, 503, 504].filter((s) => !(spec.retryAfterStatuses ?? [429]).includes(s));
    for (const status of ignored) {
      sleeps.length = 0;
      sim.fault({ status, times: Infinity, headers: { 'retry-after': '120' } });
      await expect(
        http.send({ method: 'GET', path: kitOf(name).list.path, headers: kitOf(name).headers })
      ).rejects.toMatchObject({ status });
      sim.clearFaults();
      expect({ status, sleeps }).toEqual({ status, sleeps: [500, 1000, 2000] });
    }
  });

  test('a 429 Retry-After is honoured, cut to what is left of the 15 s budget', async () => {
    const { http, sleeps } = httpFor(sim, acting.value, spec.retryAfterStatuses);
    sim.fault({ status: 429, times: Infinity, headers: { 'retry-after': '6' } });
    await expect(
      http.send({ method: 'GET', path: kitOf(name).list.path, headers: kitOf(name).headers })
    ).rejects.toBeInstanceOf(HttpError);
    expect(sleeps).toEqual([6000, 6000, 3000]);
  });
});

describe('per provider: where Retry-After means "throttled"', () => {
  test('Linode sends Retry-After on every answer, 500s too: a persistent 500 on a revoke backs off 3.5 s, not 90 s', async () => {
    const sim = await startProviderSim('linode');
    try {
      const acting = sim.issueToken({ name: 'bootstrap' });
      const doomed = sim.issueToken({ name: 'doomed' });
      const { provider, sleeps } = clientFor('linode', sim, acting.value);
      sim.fault({ method: 'DELETE', status: 500, times: Infinity });
      await expect(provider.revoke(doomed.id)).rejects.toMatchObject({ kind: 'unavailable' });
      expect(sleeps).toEqual([500, 1000, 2000]);
    } finally {
      await sim.close();
    }
  });

  test('Linode: three 503s on the token list take 3.5 s, not 89 s', async () => {
    const sim = await startProviderSim('linode');
    try {
      const acting = sim.issueToken({ name: 'bootstrap' });
      const { provider, sleeps } = clientFor('linode', sim, acting.value);
      sim.fault({ method: 'GET', status: 503, times: 3 });
      expect((await provider.list()).map((t) => t.id)).toEqual([acting.id]);
      expect(sleeps).toEqual([500, 1000, 2000]);
    } finally {
      await sim.close();
    }
  });

  test('Databricks documents 503 as retryable with Retry-After (its SDK honours it): waited as asked', async () => {
    expect(providers.databricks.retryAfterStatuses).toEqual([429, 503]);
    const sim = await startProviderSim('databricks');
    try {
      const acting = sim.issueToken({ name: 'bootstrap' });
      const { provider, sleeps } = clientFor('databricks', sim, acting.value);
      sim.fault({ method: 'GET', status: 503, times: 2, headers: { 'retry-after': '4' } });
      expect((await provider.list()).map((t) => t.id)).toEqual([acting.id]);
      expect(sleeps).toEqual([4000, 4000]);
    } finally {
      await sim.close();
    }
  });

  test('a create is never retried, whatever the status', async () => {
    const sim = await startProviderSim('databricks');
    try {
      const acting = sim.issueToken({ name: 'bootstrap' });
      const { http, sleeps } = httpFor(sim, acting.value, [429, 503]);
      sim.fault({ method: 'POST', status: 503, times: Infinity, headers: { 'retry-after': '1' } });
      await expect(
        http.send({ method: 'POST', path: '/api/2.0/token/create', body: { comment: 'x' } })
      ).rejects.toMatchObject({ status: 503 });
      expect(sleeps).toEqual([]);
      expect(sim.requests).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });
});

describe('error bodies: parsed, then redacted, then shown', () => {
  let sim: ProviderSim;
  let acting: { id: string; value: string };
  beforeEach(async () => {
    sim = await startProviderSim('vercel');
    acting = sim.issueToken({ name: 'bootstrap' });
  });
  afterEach(() => sim.close());

  /** The credential with its first letter JSON-escaped: the raw text does not contain it. */
  const escaped = (value: string) =>
    `\\u${value.charCodeAt(0).toString(16).padStart(4, '0')}${value.slice(1)}`;

  const failure = async (text: string) => {
    sim.fault({ status: 400, text });
    const { http } = httpFor(sim, acting.value);
    return (await http
      .send({ method: 'GET', path: kitOf('vercel').list.path })
      .catch((e: unknown) => e)) as HttpError;
  };

  test('a JSON-escaped credential in an error body is redacted in the parsed body, its text and the message', async () => {
    const err = await failure(
      `{"error":{"code":"bad_request","message":"token ${escaped(acting.value)} is bad"}}`
    );
    expect(err).toBeInstanceOf(HttpError);
    const shown = [JSON.stringify(err.body), err.bodyText, err.message].join('\n');
    expect(shown).not.toContain(acting.value);
    expect(err.body).toEqual({ error: { code: 'bad_request', message: 'token *** is bad' } });
    expect(err.bodyText).toBe('{"error":{"code":"bad_request","message":"token *** is bad"}}');
  });

  test('a credential in another case, in a key or deep in a list is redacted too', async () => {
    const upper = acting.value.toUpperCase();
    const err = await failure(JSON.stringify({ errors: [{ reason: upper, [acting.value]: [[upper]] }] }));
    const shown = [JSON.stringify(err.body), err.bodyText, err.message].join('\n').toLowerCase();
    expect(shown).not.toContain(acting.value.toLowerCase());
  });

  test('a body that is not JSON is redacted as text; every shown body is cut to BODY_SNIPPET', async () => {
    const err = await failure(`<html><pre>${acting.value} ${'x'.repeat(2000)}</pre></html>`);
    expect(err.body).toMatch(/^<html><pre>\*\*\* x+<\/pre><\/html>$/);
    expect(err.bodyText.length).toBeLessThanOrEqual(BODY_SNIPPET + 1);
    expect(err.bodyText.startsWith('<html><pre>*** xxx')).toBe(true);
  });
});
