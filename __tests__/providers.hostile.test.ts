import { ProviderError } from '../src/providers/errors.js';
import { providers, type NewToken, type Provider, type ProviderName } from '../src/providers/index.js';
import type { ProviderSim } from '../sim/index.js';
import { REMOVED, setAt } from './helpers/json-path.js';
import { kitOf, type JsonPath, type KitRead } from './helpers/kit/index.js';
import { clientFor, PROVIDERS, startProviderSim } from './helpers/providers.js';

/**
 * Hostile and drifted answers (issue 12, cases 8, 10, 12), as a class: every JSON answer each provider
 * client reads, with each of its fields in turn removed or replaced by a value of another type. Each
 * variant must either fail with a clear ProviderError or give a result that is whole and valid: never a
 * silently emptied list, an Invalid Date, a raw TypeError, or requests without end.
 */

const DAY = 86_400_000;
const createRequest = {
  name: 'ci-token-rotator:octo/app:TOKEN',
  expiresAt: new Date(Date.now() + 7 * DAY),
  lifetimeSeconds: 7 * 86400,
  replacing: null
};
/** Four attempts for each of at most 100 pages, and a few more. */
const MAX_REQUESTS = 4 * 100 + 4;

type Read = KitRead;
type Path = JsonPath;
const REPLACEMENTS: [string, unknown][] = [
  ['removed', REMOVED],
  ['{}', {}],
  ['a string', '../soon'],
  ['null', null],
  ['a huge number', 1e300],
  ['-1', -1],
  ['a fraction', 0.5],
  ['true', true],
  ['a list', ['x']]
];

/** Every field of a JSON value (the first item standing for each list), the value itself first. */
function fieldsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) return value.length ? [...out, ...fieldsOf(value[0], [...at, 0])] : out;
  if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) out.push(...fieldsOf(item, [...at, key]));
  return out;
}

const mutate = setAt;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** How a client names the list's array in an error: its path, or the answer itself. */
const arrayLabel = (name: ProviderName) => kitOf(name).list.array.join('.') || 'the answer';

const validDate = (d: unknown) => d === null || (d instanceof Date && Number.isFinite(d.getTime()));

function tokenProblem(
  name: ProviderName,
  t: { id: unknown; name: unknown; createdAt: unknown; expiresAt: unknown }
) {
  if (typeof t.id !== 'string' || !providers[name].idPattern.test(t.id)) return `id ${String(t.id)}`;
  if (typeof t.name !== 'string') return `name ${String(t.name)}`;
  if (!validDate(t.createdAt) || !validDate(t.expiresAt)) return 'an invalid date';
  return undefined;
}

/** A failure as the user may see it: a ProviderError that says what was unexpected. */
function errorProblem(name: ProviderName, err: unknown): string | undefined {
  if (!(err instanceof ProviderError)) return `threw ${String(err)}`;
  const label = providers[name].label;
  if (!err.message.startsWith(`${label}: `)) return `message not prefixed: ${err.message}`;
  if (/TypeError|RangeError|Invalid time value|\[object Object\]/.test(err.message))
    return `raw error: ${err.message}`;
  // A changed field can also turn the answer into a definite refusal the provider words itself.
  const refusal = err.kind === 'permission' && /provider-token|token-owner/.test(err.message);
  if (!refusal && !/unexpected response \(.+\)|failed with HTTP \d{3}/.test(err.message))
    return `unclear: ${err.message}`;
  return undefined;
}

interface Variant {
  read: Read;
  path: Path;
  replacement: unknown;
}

async function within<T>(ms: number, p: Promise<T>): Promise<{ value?: T; error?: unknown; late?: true }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ late: true }>(
    (resolve) => (timer = setTimeout(() => resolve({ late: true }), ms))
  );
  try {
    return await Promise.race([
      p.then(
        (value) => ({ value }),
        (error: unknown) => ({ error })
      ),
      late
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(PROVIDERS)('%s: every answer read, each field removed or of another type', (name) => {
  let sim: ProviderSim;
  let acting: { id: string; value: string };
  let provider: Provider;
  let verified: NewToken;

  beforeEach(async () => {
    sim = await startProviderSim(name);
    acting = sim.issueToken({ name: 'bootstrap' });
    sim.issueToken({ name: 'another' });
    provider = clientFor(name, sim, acting.value).provider;
    verified = await provider.create(createRequest);
  });
  afterEach(() => sim.close());

  const run = (call: KitRead['call']): Promise<unknown> =>
    call === 'verify'
      ? provider.verify(verified)
      : call === 'create'
        ? provider.create(createRequest)
        : provider[call]();

  /** What is wrong with one variant's outcome, or undefined. */
  async function problemOf({ read, path, replacement }: Variant): Promise<string | undefined> {
    const before = new Set(sim.tokens().map((t) => t.id));
    sim.clearLog();
    sim.fault({
      method: read.method,
      path: read.path,
      times: Infinity,
      rewrite: (b) => mutate(b, path, replacement)
    });
    const outcome = await within(3000, run(read.call));
    sim.clearFaults();
    if (outcome.late) return `no answer within 3 s, after ${sim.requests.length} requests`;
    if (sim.requests.length > MAX_REQUESTS) return `${sim.requests.length} requests`;
    const minted = sim.tokens().find((t) => !before.has(t.id));
    if (read.call === 'create') {
      const problem = createProblem(outcome, path, minted);
      // A value that is not the token's is a string like any other: the verify step must catch it.
      if (problem !== 'another value') return problem;
      const caught = await provider.verify(outcome.value as NewToken).then(
        () => false,
        () => true
      );
      return caught ? undefined : 'another value, and verify passed';
    }
    if (outcome.error !== undefined) return errorProblem(name, outcome.error);
    if (read.call === 'verify') return undefined;
    const access = outcome.value as { tokens?: unknown[]; actingTokenId?: unknown };
    const listed = (read.call === 'list' ? outcome.value : access.tokens) as Parameters<
      typeof tokenProblem
    >[1][];
    if (read.call === 'checkAccess' && access.actingTokenId !== acting.id && access.actingTokenId !== null)
      return `acting token ${String(access.actingTokenId)}`;
    const missing = sim.liveTokens().filter((t) => !listed.some((l) => l.id === t.id));
    if (missing.length) return `list without ${missing.map((t) => t.id).join(', ')}`;
    return listed.map((t) => tokenProblem(name, t)).find((p) => p !== undefined);
  }

  function createProblem(
    outcome: { value?: unknown; error?: unknown },
    path: Path,
    minted: { id: string; value: string } | undefined
  ): string | undefined {
    if (!minted) return 'nothing minted';
    if (outcome.error === undefined) {
      const token = outcome.value as NewToken;
      if (token.id !== minted.id) return `returned ${token.id}`;
      return tokenProblem(name, token) ?? (token.value === minted.value ? undefined : 'another value');
    }
    const err = outcome.error as ProviderError;
    const unclear = errorProblem(name, err);
    if (unclear) return unclear;
    if (!err.ambiguous) return 'a minted token, an unambiguous error';
    const idPath = kitOf(name).createdId;
    const idUnreadable = path.every((key, i) => idPath[i] === key);
    if (err.mintedId !== (idUnreadable ? undefined : minted.id))
      return `mintedId ${String(err.mintedId)}, minted ${minted.id}`;
    return undefined;
  }

  test.each(kitOf(name).reads.map((r) => [`${r.call}: ${r.method} ${r.path}`, r] as const))(
    '%s',
    async (_title, read) => {
      sim.clearLog();
      await run(read.call);
      const sample = sim.requests.find((r) => r.method === read.method && r.pathname === read.path)?.response;
      expect(sample).toBeDefined();
      const broken: string[] = [];
      for (const path of fieldsOf(sample))
        for (const [label, replacement] of REPLACEMENTS) {
          // An item taken out of a list is an answer like any other; its fields are the class.
          if (replacement === REMOVED && typeof path[path.length - 1] === 'number') continue;
          const problem = await problemOf({ read, path, replacement });
          if (problem) broken.push(`${path.join('.') || '(the answer)'} ${label}: ${problem}`);
        }
      expect(broken).toEqual([]);
    },
    60_000
  );
});

describe.each(PROVIDERS)('%s: hostile answers, case by case', (name) => {
  let sim: ProviderSim;
  let acting: { id: string; value: string };
  let provider: Provider;
  const label = providers[name].label;

  beforeEach(async () => {
    sim = await startProviderSim(name);
    acting = sim.issueToken({ name: 'bootstrap' });
    provider = clientFor(name, sim, acting.value).provider;
    sim.clearLog();
  });
  afterEach(() => sim.close());

  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ProviderError
    );

  test.each(['list', 'checkAccess'] as const)(
    '%s: a 200 {} is an unexpected response, never an empty list (case 8)',
    async (call) => {
      sim.fault({ method: 'GET', path: kitOf(name).list.path, times: Infinity, rewrite: () => ({}) });
      const err = await rejection(provider[call]());
      expect(err).toBeInstanceOf(ProviderError);
      expect(err?.message).toMatch(
        new RegExp(`^${label}: .*unexpected response \\(${arrayLabel(name)} is not a list\\)`)
      );
    }
  );

  test("a listed token whose ID is not of the provider's form fails the list (case 8)", async () => {
    const { list, malformedListedId } = kitOf(name);
    sim.fault({
      method: 'GET',
      path: list.path,
      rewrite: (b) => mutate(b, [...list.array, 0, ...list.id], malformedListedId)
    });
    await expect(provider.list()).rejects.toThrow(
      /unexpected response \(.*is not a token ID of the provider's form\)/
    );
  });

  test.each([['soon'], ['garbage'], [{}], [1e300]])(
    'a create answer whose expiry is %p names the token it minted, so exactly that one can be revoked (case 12)',
    async (expiry) => {
      sim.fault({
        method: 'POST',
        path: kitOf(name).create.path,
        rewrite: (b) => mutate(b, kitOf(name).expiry, expiry)
      });
      const err = await rejection(provider.create(createRequest));
      const minted = sim.liveTokens().find((t) => t.id !== acting.id);
      expect(minted).toBeDefined();
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'rejected', ambiguous: true, mintedId: minted?.id });
      expect(err?.message).toContain(`unexpected response (${kitOf(name).expiry.join('.')} is not`);
      expect(err?.message).not.toMatch(/Invalid time value/);
    }
  );

  test('a create answer whose ID is unreadable stays ambiguous without an ID: the core looks by name (case 12)', async () => {
    sim.fault({
      method: 'POST',
      path: kitOf(name).create.path,
      rewrite: (b) => mutate(b, kitOf(name).createdId, '../x')
    });
    const err = await rejection(provider.create(createRequest));
    expect(err).toMatchObject({ kind: 'rejected', ambiguous: true });
    expect(err?.mintedId).toBeUndefined();
  });

  test.each(['..', '../../x', '', 'a/b', '%2e%2e', ' 1', 'x'.repeat(200)])(
    "revoke(%p) is refused without a request: the ID is not of the provider's form (case 5)",
    async (id) => {
      const err = await rejection(provider.revoke(id));
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'rejected' });
      expect(err?.message).toMatch(
        new RegExp(
          `^${label}: revoking token .* refused: it is not ${escapeRegExp(providers[name].idDescription)}`
        )
      );
      expect(sim.requests).toEqual([]);
    }
  );

  test('a JSON-escaped or re-cased credential in an error message never reaches ours; the message is cut (case 11)', async () => {
    const v = acting.value;
    const escaped = `\\u${v.charCodeAt(0).toString(16).padStart(4, '0')}${v.slice(1)}`;
    sim.fault({
      method: 'GET',
      status: 400,
      text: JSON.stringify(
        kitOf(name).errorBody(400, `token @@ or ${v.toUpperCase()} ${'y'.repeat(2000)}`)
      ).replace('@@', escaped)
    });
    const err = await rejection(provider.list());
    expect(err).toBeInstanceOf(ProviderError);
    expect(err?.message.toLowerCase()).not.toContain(v.toLowerCase());
    expect(err?.message).toContain('token *** or ***');
    expect(err?.message.length).toBeLessThan(700);
  });
});

describe('paging: every paged list ends (case 10)', () => {
  let sim: ProviderSim;
  let provider: Provider;
  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ProviderError
    );
  const listRequests = (path: string) => sim.requests.filter((r) => r.pathname === path).length;
  /** Every list answer (or only the first, `times: 1`) rewritten. */
  const rewriteLists = (name: 'linode' | 'vercel', rewrite: (body: unknown) => unknown, times = Infinity) =>
    sim.fault({ method: 'GET', path: kitOf(name).list.path, times, rewrite });

  async function start(name: ProviderName) {
    sim = await startProviderSim(name);
    const acting = sim.issueToken({ name: 'bootstrap' });
    provider = clientFor(name, sim, acting.value).provider;
    sim.clearLog();
  }
  afterEach(() => sim.close());

  test.each([[1e9], ['many'], [-1], [2.5], [null]])(
    'Linode pages: %p fails clearly at once',
    async (pages) => {
      await start('linode');
      rewriteLists('linode', (b) => ({ ...(b as object), pages }));
      const err = await rejection(provider.list());
      expect(err?.message).toMatch(/^Linode: listing tokens: unexpected response \(pages is/);
      expect(listRequests(kitOf('linode').list.path)).toBe(1);
    }
  );

  test('Linode: an empty page ends the list, whatever `pages` says', async () => {
    await start('linode');
    rewriteLists('linode', (b) => ({ ...(b as object), pages: 50 }));
    expect(await provider.list()).toHaveLength(1);
    expect(listRequests(kitOf('linode').list.path)).toBe(2);
  });

  test('Linode: a page that is not the one asked for (a server ignoring `page`) fails clearly', async () => {
    await start('linode');
    rewriteLists('linode', (b) => ({ ...(b as object), page: 1, pages: 3 }));
    await expect(provider.list()).rejects.toThrow(
      /unexpected response \(page 2 was asked for, page 1 answered\)/
    );
    expect(listRequests(kitOf('linode').list.path)).toBe(2);
  });

  test('Vercel: a cursor that never ends fails at 100 pages rather than returning a list cut short', async () => {
    await start('vercel');
    let n = 0;
    // Each page shows one more token, and points to one more page.
    rewriteLists('vercel', (b) => ({
      ...(mutate(b, ['tokens', 0, 'id'], `tok_page${n}`) as object),
      pagination: { count: 1, next: 9e12 + n++, prev: null }
    }));
    const err = await rejection(provider.list());
    expect(err?.message).toMatch(
      /^Vercel: listing tokens: unexpected response \(the list goes on past 100 pages\)/
    );
    expect(listRequests(kitOf('vercel').list.path)).toBe(100);
  });

  test('Vercel: a page with nothing new ends the list; a token is listed once however often it is shown', async () => {
    await start('vercel');
    rewriteLists('vercel', (b) => ({ ...(b as object), pagination: { count: 1, next: 9e12, prev: null } }));
    expect(await provider.list()).toHaveLength(1);
    expect(listRequests(kitOf('vercel').list.path)).toBe(2);
  });

  test('Vercel: a repeated cursor ends the list, even on a page with new tokens', async () => {
    await start('vercel');
    let n = 0;
    rewriteLists('vercel', (b) => ({
      ...(mutate(b, ['tokens', 0, 'id'], `tok_page${n++}`) as object),
      pagination: { count: 1, next: 9e12, prev: null }
    }));
    expect((await provider.list()).map((t) => t.id)).toEqual(['tok_page0', 'tok_page1']);
    expect(listRequests(kitOf('vercel').list.path)).toBe(2);
  });

  test('Vercel: an empty page ends the list, even with a next cursor', async () => {
    await start('vercel');
    let n = 0;
    rewriteLists('vercel', (b) => ({
      tokens: n++ === 0 ? (b as { tokens: unknown[] }).tokens : [],
      pagination: { next: 9e12 + n }
    }));
    expect(await provider.list()).toHaveLength(1);
    expect(listRequests(kitOf('vercel').list.path)).toBe(2);
  });

  test.each([[{}], [true], [''], [[1]]])('Vercel: a pagination.next of %p fails clearly', async (next) => {
    await start('vercel');
    rewriteLists('vercel', (b) => ({ ...(b as object), pagination: { next } }), 1);
    await expect(provider.list()).rejects.toThrow(
      /unexpected response \(pagination.next is neither a number nor a string\)/
    );
  });
});
