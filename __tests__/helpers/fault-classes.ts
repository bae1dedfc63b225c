/**
 * Issue 12's fault classes: the scenes, the runs, the generators and the invariants of
 * __tests__/faults.classes.test.ts. Everything runs in-process (world.run → rotate()) except
 * `bundleRun`, which spawns the bundle named by FAULT_CLASSES_BUNDLE (default dist/index.js).
 *
 * The checks read only the simulators and the state variable's raw JSON (never src/state.ts), so
 * they keep meaning the same while the protocol and the state's shape change underneath.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGitHubClient } from '../../src/github/client.js';
import { gitHubVariableState } from '../../src/github/state-store.js';
import { secretTargets } from '../../src/github/targets.js';
import { providers, type ProviderName } from '../../src/providers/index.js';
import { outputsOf, renderSummary } from '../../src/report.js';
import type { RotateDeps, RotationReport } from '../../src/rotate.js';
import type { Fault, LoggedRequest, ProviderSim } from '../../sim/index.js';
import { runAction, type ActionRun } from '../../scripts/run-action.js';
import { leaksIn, TOKEN_NAME, type RequestSpot } from './faults.js';
import { kitOf } from './kit/index.js';
import { GITHUB_TOKEN, ownerInput, REPO, SECRET, STATE_VARIABLE, startWorld, type World } from './world.js';

/** Self-rotation (provider-token is the secret's token) or a separate admin provider-token. */
export type Mode = 'self' | 'admin';
export type FaultClass = 'ambiguous' | 'overlap' | 'hostile' | 'tampered';
export const FAULT_CLASSES: FaultClass[] = ['ambiguous', 'overlap', 'hostile', 'tampered'];

export const TARGET_LABEL = secretTargets({
  secretName: SECRET,
  repositories: [REPO],
  secretType: 'actions'
})[0]?.label as string;
export const LOCK_VARIABLE = `${STATE_VARIABLE}_LOCK`;
/** The request timeout of world.run's clients. */
const CLIENT_TIMEOUT_MS = 2000;
/** More requests than this in one scenario: the run is looping (unbounded pages, retry storm). */
const REQUEST_LIMIT = 150;
/** A scenario's run taking longer than this is cut off (every request dropped from then on). */
const RUN_LIMIT_MS = 40_000;

// ---------------------------------------------------------------------------------------------
// The scene

/** A token that is not this rotation's: it must be live after every run. */
export interface Foreign {
  id: string;
  value: string;
  what: string;
}

export interface Bed {
  provider: ProviderName;
  mode: Mode;
  world: World;
  foreign: Foreign[];
  /** The legacy token the state owes (named by the first run's previous-token-id), if any. */
  owed?: { id: string; value: string };
  /** Secrets of other rotations that must still hold a live token after every run. */
  otherSecrets: string[];
  /** Attempts of workflow run 2000 so far: each later run is "Re-run failed jobs". */
  attempts?: number;
}

/**
 * A world after a first rotation by the bootstrap token, as a user starts, with a second,
 * unrelated token in the account. With `owed`, the workflow's first run named a legacy token by
 * previous-token-id and its revocation failed, so the state owes it: a token that does not carry
 * the rotation's name, which only the state remembers (an owed ID dropped by mistake stays live).
 */
export async function startBed(
  provider: ProviderName,
  mode: Mode,
  opts: { owed?: boolean } = {}
): Promise<Bed> {
  const world = await startWorld(provider);
  allowRawBodies(world.sim);
  const other = world.sim.issueToken({ name: 'deploy-bot' });
  const legacy = opts.owed ? world.sim.issueToken({ name: 'legacy-ci-token' }) : undefined;
  if (legacy) world.sim.fault({ ...kitOf(provider).revoke, status: 500, times: Infinity });
  const first = await world.run({ tokenName: TOKEN_NAME, ...(legacy ? { previousTokenId: legacy.id } : {}) });
  world.sim.clearFaults();
  const secret = world.github.secretValue(REPO, SECRET) ?? '';
  const ok = legacy
    ? world.sim.isLive(secret) &&
      list(rawState(world)?.revoke).includes(legacy.id) &&
      world.sim.isLive(legacy.id)
    : first.outcome === 'rotated';
  if (!ok) {
    await world.close();
    throw new Error(`set-up rotation failed: ${first.errors.join('; ')}`);
  }
  return {
    provider,
    mode,
    world,
    foreign: [
      { ...world.acting, what: mode === 'admin' ? 'the admin provider-token' : 'the bootstrap token' },
      { ...other, what: 'another token of the account' }
    ],
    owed: legacy,
    otherSecrets: []
  };
}

export interface StoredState {
  token_id?: unknown;
  token_name?: unknown;
  previous?: unknown;
  kept?: unknown;
  revoke?: unknown;
  incomplete?: unknown;
  [field: string]: unknown;
}

export function rawState(world: World): StoredState | undefined {
  const text = world.github.variable(REPO, STATE_VARIABLE);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as StoredState;
  } catch {
    return undefined;
  }
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

// ---------------------------------------------------------------------------------------------
// Runs

export interface RunRecord {
  report: RotationReport;
  /** Everything the action would print from this run: log, summary, outputs, failure message. */
  printed: string;
  warnings: string[];
  /** rotate() threw instead of returning a report. */
  threw?: string;
  /** Cut off by the watchdog. */
  runaway?: string;
  start: number;
  end: number;
}

export interface RunOptions {
  /** Default: the secret's token in self mode, the admin token in admin mode. */
  actingToken?: string;
  /** Passed to world.run's deps (e.g. B's own GitHub client). */
  deps?: Partial<RotateDeps>;
  /**
   * The workflow run this is. Default: the next attempt of run 2000, as a user re-runs a failed
   * job (which may take over a lock a failed attempt left); an overlapping run is another run.
   */
  run?: { id: string; attempt: number };
}

/** One in-process run of the rotation, as the action would run it, with what it would print. */
export async function runOnce(bed: Bed, options: RunOptions = {}): Promise<RunRecord> {
  const { world } = bed;
  const actingToken =
    options.actingToken ??
    (bed.mode === 'self' ? (world.github.secretValue(REPO, SECRET) ?? '') : world.acting.value);
  const lines: string[] = [];
  const warnings: string[] = [];
  const stop = watchdog(world);
  const start = performance.now();
  let report: RotationReport;
  let threw: string | undefined;
  try {
    report = await world.run(
      { tokenName: TOKEN_NAME },
      {
        actingToken,
        deps: {
          lock: {
            ...world.lock,
            run: options.run ?? { id: '2000', attempt: (bed.attempts = (bed.attempts ?? 0) + 1) }
          },
          log: {
            info: (m: string) => lines.push(m),
            warning: (m: string) => {
              lines.push(m);
              warnings.push(m);
            }
          },
          ...options.deps
        }
      }
    );
  } catch (err) {
    threw = err instanceof Error ? err.message : String(err);
    report = {
      outcome: 'failed',
      dryRun: false,
      targets: [],
      revocations: [],
      kept: [],
      errors: [threw],
      leftAs: ''
    };
  }
  const end = performance.now();
  const runaway = stop();
  const printed = [
    ...lines,
    renderSummary(report, { providerLabel: bed.provider, now: new Date() }),
    JSON.stringify(outputsOf(report)),
    ...report.errors,
    report.leftAs
  ].join('\n');
  return { report, printed, warnings, threw, runaway, start, end };
}

/** Cuts a looping run off: past the limits every request is dropped, so the run ends. */
function watchdog(world: World): () => string | undefined {
  const base = world.github.requests.length + world.sim.requests.length;
  const started = Date.now();
  let reason: string | undefined;
  const timer = setInterval(() => {
    const count = world.github.requests.length + world.sim.requests.length - base;
    if (reason) return;
    if (count > REQUEST_LIMIT) reason = `more than ${REQUEST_LIMIT} requests`;
    else if (Date.now() - started > RUN_LIMIT_MS) reason = `still running after ${RUN_LIMIT_MS / 1000} s`;
    if (reason) {
      world.sim.fault({ drop: true, times: Infinity });
      world.github.fault({ drop: true, times: Infinity });
    }
  }, 5);
  return () => {
    clearInterval(timer);
    if (reason) {
      world.sim.clearFaults();
      world.github.clearFaults();
      // The requests it made used up the provider's rate-limit window: let the clock pass it.
      const now = world.sim.now;
      world.sim.now = () => now() + 600_000;
    }
    return reason;
  };
}

const inFlight = (r: LoggedRequest) => r.end === r.start && r.status === 0;

/** Waits until no request is in flight on either simulator (late answers to slow requests included). */
export async function settle(world: World, except?: LoggedRequest, quietMs = 30): Promise<void> {
  const deadline = Date.now() + 15_000;
  let count = -1;
  while (Date.now() < deadline) {
    const all = [...world.github.requests, ...world.sim.requests];
    if (all.length === count && !all.some((r) => r !== except && inFlight(r))) return;
    count = all.length;
    await sleep(quietMs);
  }
}

export function clearFaults(world: World): void {
  world.github.clearFaults();
  world.sim.clearFaults();
}

/** The bundle under test: FAULT_CLASSES_BUNDLE, else the committed dist/index.js. */
export const BUNDLE = process.env.FAULT_CLASSES_BUNDLE ?? 'dist/index.js';

/** One run of the bundle (self-rotation or admin), as the runner would start it. */
export function bundleRun(bed: Bed): Promise<ActionRun> {
  const { world } = bed;
  const token = bed.mode === 'self' ? (world.github.secretValue(REPO, SECRET) ?? '') : world.acting.value;
  return runAction(
    {
      provider: bed.provider,
      'provider-token': token,
      'provider-url': world.providerUrl,
      ...ownerInput(bed.provider),
      'secret-name': SECRET,
      'token-name': TOKEN_NAME,
      'github-token': GITHUB_TOKEN,
      'request-timeout': String(CLIENT_TIMEOUT_MS / 1000)
    },
    { GITHUB_REPOSITORY: REPO, GITHUB_API_URL: world.github.url },
    BUNDLE
  );
}

/** What a bundle run printed, without the runner's own `::add-mask::<value>` commands. */
export function printedBy(run: ActionRun): string {
  return [run.stdout.replace(/^::add-mask::.*$/gm, ''), run.stderr, run.summary, run.outputsFile].join('\n');
}

/** A GitHub client of its own, e.g. for a second run with another github-token. */
export function gitHubClient(world: World, token = GITHUB_TOKEN) {
  return createGitHubClient({
    token,
    baseUrl: world.github.url,
    timeoutMs: CLIENT_TIMEOUT_MS,
    waitUnitMs: 1
  });
}

// ---------------------------------------------------------------------------------------------
// Invariants

export interface Verdict {
  held: string[];
  broken: string[];
}

export function verdict(): Verdict & { check(name: string, ok: boolean, detail?: string): void } {
  const v: Verdict = { held: [], broken: [] };
  return {
    ...v,
    check(name, ok, detail = '') {
      (ok ? v.held : v.broken).push(ok ? name : `${name}: ${detail}`);
    }
  };
}

/** Every value an attacker must never see: every provider token ever issued, the github-token. */
export function credentials(world: World): string[] {
  return [...world.sim.tokens().map((t) => t.value), GITHUB_TOKEN];
}

/**
 * The invariants after every run:
 * U1 the secret decrypts to a live token; U2 it is a token this rotation minted;
 * U3 no credential printed, in any case or escape; U4 'rotated' only when the target holds a
 * live token that the state records; U5 every foreign token (and other rotation's secret) is
 * still live; U6 the run returned a report within bounds; U7 every provider request that changes
 * something is the create, or a revoke of an ID the provider issued.
 */
export function checkRun(bed: Bed, run: RunRecord, v: ReturnType<typeof verdict>, tag = ''): void {
  const { world } = bed;
  const secret = world.github.secretValue(REPO, SECRET) ?? '';
  const held = world.sim.tokens().find((t) => t.value === secret);
  const state = rawState(world);
  v.check(
    `${tag}U1 secret holds a live token`,
    !!held && world.sim.isLive(secret),
    held ? `${held.id} (${held.name}) is dead` : 'the secret holds no token of the provider'
  );
  v.check(
    `${tag}U2 secret holds a token this rotation minted`,
    !held || held.name === TOKEN_NAME,
    `it holds ${held?.id} named '${held?.name}'`
  );
  const leaked = leaksIn(run.printed, credentials(world));
  v.check(
    `${tag}U3 no credential printed`,
    leaked.length === 0,
    `printed (in some case or escape): ${leaked.map((l) => describeValue(world, l)).join(', ')}`
  );
  const consistent =
    !!held && world.sim.isLive(secret) && state?.token_id === held.id && list(state?.incomplete).length === 0;
  v.check(
    `${tag}U4 'rotated' only when the target holds a live token the state records`,
    run.report.outcome !== 'rotated' || consistent,
    `outcome rotated, but the secret holds ${held?.id ?? 'nothing'} (${held && world.sim.isLive(secret) ? 'live' : 'dead'}), the state records ${String(state?.token_id)}, incomplete ${JSON.stringify(state?.incomplete ?? [])}`
  );
  const dead = bed.foreign.filter((f) => !world.sim.isLive(f.id));
  const otherDead = bed.otherSecrets.filter(
    (name) => !world.sim.isLive(world.github.secretValue(REPO, name) ?? '')
  );
  v.check(
    `${tag}U5 foreign tokens still live`,
    dead.length === 0 && otherDead.length === 0,
    [
      ...dead.map((f) => `${f.what} ${f.id} was revoked`),
      ...otherDead.map((n) => `secret ${n} of another rotation holds a dead token`)
    ].join('; ')
  );
  v.check(
    `${tag}U6 the run ends with a report`,
    !run.threw && !run.runaway,
    run.threw ? `rotate() threw: ${run.threw}` : `cut off: ${run.runaway}`
  );
  const odd = oddProviderMutations(bed, run);
  v.check(
    `${tag}U7 provider changes only by create and revoke of known IDs`,
    odd.length === 0,
    odd.join(', ')
  );
}

function describeValue(world: World, value: string): string {
  if (value === GITHUB_TOKEN) return 'github-token';
  const t = world.sim.tokens().find((x) => x.value === value);
  return t ? `token ${t.id} (${t.name})` : 'a credential';
}

/** The ID a provider request revokes, or undefined if it is no revoke. */
export const revokedIdOf = (provider: ProviderName, r: LoggedRequest): string | undefined =>
  kitOf(provider).revokedIdOf(r);

function oddProviderMutations(bed: Bed, run: RunRecord): string[] {
  const create = kitOf(bed.provider).create;
  const issued = new Set(bed.world.sim.tokens().map((t) => t.id));
  return bed.world.sim.requests
    .filter((r) => r.start >= run.start && r.start <= run.end && r.method !== 'GET')
    .filter((r) => !(r.method === create.method && r.pathname === create.path))
    .filter((r) => {
      const id = revokedIdOf(bed.provider, r);
      return id === undefined || !issued.has(id);
    })
    .map((r) => `${r.method} ${r.pathname}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`);
}

/**
 * After a clean re-run: it completed (R1), the state names the secret's token (R2), no other
 * live token carries the rotation's name (R3), nothing owed is left (R4).
 */
export function checkRerun(bed: Bed, run: RunRecord, v: ReturnType<typeof verdict>): void {
  const { world } = bed;
  checkRun(bed, run, v, 're-run ');
  const secret = world.github.secretValue(REPO, SECRET) ?? '';
  const held = world.sim.tokens().find((t) => t.value === secret);
  const state = rawState(world);
  v.check(
    'R1 the re-run completes',
    run.report.outcome === 'rotated',
    `outcome ${run.report.outcome}: ${run.report.errors.join(' | ')}`.slice(0, 400)
  );
  v.check(
    'R2 the state names the secret token',
    !!held && state?.token_id === held.id,
    `state ${String(state?.token_id)}, secret ${held?.id}`
  );
  const others = world.sim.liveTokens().filter((t) => t.name === TOKEN_NAME && t.id !== held?.id);
  v.check(
    'R3 no other live token carries the rotation name',
    others.length === 0,
    `live: ${others.map((t) => t.id).join(', ')}`
  );
  const owed = list(state?.revoke).filter((id) => typeof id === 'string' && world.sim.isLive(id));
  v.check(
    'R4 nothing owed is left',
    owed.length === 0 && list(state?.incomplete).length === 0,
    `owed and live: ${owed.join(', ')}; incomplete ${JSON.stringify(state?.incomplete ?? [])}`
  );
  if (bed.owed)
    v.check(
      'R5 the owed legacy token is revoked',
      !world.sim.isLive(bed.owed.id),
      `${bed.owed.id} (named by previous-token-id, owed by the state) is live${list(state?.revoke).includes(bed.owed.id) ? '' : ' and the state no longer owes it'}`
    );
}

// ---------------------------------------------------------------------------------------------
// Class 1: persistent ambiguous failures

export type AmbiguousKind = '500' | '503' | 'drop' | 'lost' | 'slow';
export const AMBIGUOUS_KINDS: AmbiguousKind[] = ['500', '503', 'drop', 'lost', 'slow'];

export function persistentFault(kind: AmbiguousKind, spot: RequestSpot): Fault {
  const match = { method: spot.method, path: spot.path, skip: spot.skip, times: Infinity };
  switch (kind) {
    case 'drop':
      return { ...match, drop: true };
    case 'lost':
      return { ...match, drop: true, afterHandling: true };
    case 'slow':
      return { ...match, delayMs: CLIENT_TIMEOUT_MS + 1000 };
    default:
      return { ...match, status: Number(kind) };
  }
}

// ---------------------------------------------------------------------------------------------
// Class 2: a second run at each step of the first

/** How long run A's request is held while run B runs (under the clients' 2 s timeout). */
export const HOLD_MS = 1000;

/** A request on the lock variable `<STATE_VARIABLE>_LOCK` (creating, updating, deleting it). */
export function onLock(r: LoggedRequest): boolean {
  const lock = LOCK_VARIABLE.toLowerCase();
  if (r.pathname.toLowerCase().endsWith(`/actions/variables/${lock}`)) return true;
  const name = (r.body as { name?: unknown } | undefined)?.name;
  return r.pathname.endsWith('/actions/variables') && typeof name === 'string' && name.toLowerCase() === lock;
}

/** Did this request change anything? Requests on the lock variable do not count. */
export function changes(r: LoggedRequest): boolean {
  return r.method !== 'GET' && r.status >= 200 && r.status < 300 && !onLock(r);
}

export const ANOTHER_RUN = /another run/i;

// ---------------------------------------------------------------------------------------------
// Class 3: hostile answers

export interface Variant {
  label: string;
  fault: Omit<Fault, 'method' | 'path' | 'skip'>;
}

type Json = unknown;
type PathPart = string | number;

function walk(value: Json, at: PathPart[], visit: (v: Json, at: PathPart[]) => void, inArray = false): void {
  visit(value, at);
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...at, i], visit, true));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walk(v, [...at, k], visit, inArray);
}

/** A copy of `body` with the value at `at` replaced (`undefined` removes it). */
function replaceAt(body: Json, at: PathPart[], make: (old: Json) => Json): Json {
  if (at.length === 0) return make(body);
  const [head, ...rest] = at as [PathPart, ...PathPart[]];
  if (Array.isArray(body)) return body.map((item, i) => (i === head ? replaceAt(item, rest, make) : item));
  if (body && typeof body === 'object') {
    const copy: Record<string, Json> = { ...(body as Record<string, Json>) };
    const next = replaceAt(copy[head as string], rest, make);
    if (next === undefined) delete copy[head as string];
    else copy[head as string] = next;
    return copy;
  }
  return body;
}

/** Every path of a key matching `key`, with array indices generalised to every element. */
function keyPaths(body: Json, key: RegExp): PathPart[][] {
  const found = new Map<string, PathPart[]>();
  walk(body, [], (v, at) => {
    const last = at.at(-1);
    if (typeof last === 'string' && key.test(last) && v !== null && typeof v !== 'object') {
      const general = at.map((p) => (typeof p === 'number' ? '*' : p));
      found.set(general.join('.'), general);
    }
  });
  return [...found.values()];
}

/** replaceAt over every element where the path says `*`. */
function replaceAll(body: Json, at: PathPart[], make: (old: Json) => Json): Json {
  const star = at.indexOf('*');
  if (star < 0) return replaceAt(body, at, make);
  const prefix = at.slice(0, star);
  const rest = at.slice(star + 1);
  return replaceAt(body, prefix, (arr) =>
    Array.isArray(arr) ? arr.map((item) => replaceAll(item, rest, make)) : arr
  );
}

const ID_OR_NAME = /^(id|token_id|name|label|comment|key_id)$/;
const DATE = /(^created|expir|_time$|At$|^created$|^expiry$)/;

/**
 * The hostile variants of one JSON answer the run read: each array (outside array elements)
 * removed, replaced by {} and by a string; ids and names of the wrong type; unparseable dates;
 * for a paged answer, an absurd and a non-numeric page count (persistent, so paging never ends).
 */
export function hostileVariants(body: Json): Variant[] {
  if (!body || typeof body !== 'object') return [];
  const variants: Variant[] = [];
  const arrays: PathPart[][] = [];
  walk(body, [], (v, at) => {
    if (Array.isArray(v) && at.length > 0 && !at.some((p) => typeof p === 'number')) arrays.push(at);
  });
  for (const at of arrays) {
    const where = at.join('.');
    variants.push(
      { label: `${where} missing`, fault: { rewrite: (b) => replaceAt(b, at, () => undefined) } },
      { label: `${where} is {}`, fault: { rewrite: (b) => replaceAt(b, at, () => ({})) } },
      { label: `${where} is a string`, fault: { rewrite: (b) => replaceAt(b, at, () => 'many') } }
    );
  }
  const ids = keyPaths(body, ID_OR_NAME);
  if (ids.length > 0)
    variants.push({
      label: `ids and names of the wrong type (${ids.map((p) => p.join('.')).join(', ')})`,
      fault: {
        rewrite: (b) =>
          ids.reduce<Json>(
            (acc, at) => replaceAll(acc, at, (old) => (typeof old === 'number' ? { id: old } : 12345)),
            b
          )
      }
    });
  const dates = keyPaths(body, DATE);
  if (dates.length > 0)
    variants.push({
      label: `unparseable dates (${dates.map((p) => p.join('.')).join(', ')})`,
      fault: { rewrite: (b) => dates.reduce<Json>((acc, at) => replaceAll(acc, at, () => 'not a date'), b) }
    });
  if ('pages' in (body as Record<string, Json>))
    for (const pages of [1e9, 'many'])
      variants.push({
        label: `pages: ${JSON.stringify(pages)}`,
        fault: { times: Infinity, rewrite: (b) => replaceAt(b, ['pages'], () => pages) }
      });
  return variants;
}

/** The body key that makes the patched simulator send its value as the raw response text. */
const RAW = '__raw_response_text__';

/**
 * The simulators serialise every fault body with JSON.stringify, so an answer with a JSON escape
 * (`\u0076cp_…`) cannot be sent. Until the simulator gets a raw-text fault, this wraps the
 * instance's (private) send(): a body `{ [RAW]: text }` goes out as `text`, as JSON.
 */
function allowRawBodies(sim: ProviderSim): void {
  type Out = { status: number; body?: unknown; text?: string; headers?: Record<string, string> };
  const target = sim as unknown as { send(res: unknown, out: Out, headers: Record<string, string>): void };
  const original = target.send.bind(sim);
  target.send = (res, out, headers) => {
    const raw = (out.body as Record<string, unknown> | undefined)?.[RAW];
    if (typeof raw !== 'string') return original(res, out, headers);
    original(
      res,
      { ...out, body: undefined, text: raw },
      { ...headers, 'content-type': 'application/json; charset=utf-8' }
    );
  };
}

/** The provider's error shape around a message. */
const errorShape = (provider: ProviderName, status: number, message: string): Json =>
  kitOf(provider).errorBody(status, message) as Json;

/**
 * Error answers that echo the provider-token: JSON-escaped (`\u00XX` for its first character,
 * so the raw text never contains it) and upper-cased.
 */
export function echoVariants(provider: ProviderName, token: string): Variant[] {
  const placeholder = '@@TOKEN@@';
  const escape = (c: string) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  // `\u0038` + `0b…` still contains `80b…` when the token starts with a digit: escape until it does not.
  let echoed = token;
  for (let n = 1; n <= token.length && `${echoed}`.includes(token); n++)
    echoed = [...token.slice(0, n)].map(escape).join('') + token.slice(n);
  const escaped = (status: number) =>
    JSON.stringify(errorShape(provider, status, `invalid request for token ${placeholder}`)).replace(
      placeholder,
      echoed
    );
  return [400, 500].flatMap((status) => [
    {
      label: `${status} echoing provider-token JSON-escaped`,
      fault: { status, body: { [RAW]: escaped(status) } }
    },
    {
      label: `${status} echoing provider-token upper-cased`,
      fault: {
        status,
        body: errorShape(provider, status, `invalid request for token ${token.toUpperCase()}`)
      }
    }
  ]);
}

// ---------------------------------------------------------------------------------------------
// Class 4: tampered state

export interface Tamper {
  label: string;
  /** Must the run refuse or warn (true for every tamper that asks for something harmful)? */
  mustSay: boolean;
  /** Must it refuse before any side effect, naming state-variable or token-name (issue 3)? */
  refuse?: boolean;
  apply(state: StoredState, bed: Bed): StoredState | Promise<StoredState>;
}

export const STATE_ID_FIELDS = ['revoke', 'kept', 'token_id', 'previous'] as const;

function putId(state: StoredState, field: (typeof STATE_ID_FIELDS)[number], id: unknown): StoredState {
  if (field === 'revoke' || field === 'kept') return { ...state, [field]: [...list(state[field]), id] };
  return { ...state, [field]: id };
}

export const MALFORMED_IDS: unknown[] = ['..', '../x', '', '12345678901234567890123', 12345];

/**
 * Malformed for this provider: a 23-digit ID is a Linode ID too long, but of Vercel's and
 * Databricks' form (just no live token: a state names such gone tokens every day).
 */
const malformedFor = (provider: ProviderName) =>
  MALFORMED_IDS.filter((id) => typeof id !== 'string' || !providers[provider].idPattern.test(id));

/** The tampers, given the scene's foreign tokens (by index into bed.foreign). */
export function tampers(mode: Mode, provider: ProviderName): Tamper[] {
  const out: Tamper[] = [];
  for (const [index, what] of [
    [0, mode === 'admin' ? 'the admin token' : 'the bootstrap token'],
    [1, 'another live token']
  ] as const)
    for (const field of STATE_ID_FIELDS)
      out.push({
        label: `${what}'s ID as ${field}`,
        mustSay: field !== 'previous',
        apply: (s, bed) => putId(s, field, bed.foreign[index]?.id)
      });
  if (mode === 'self')
    for (const id of malformedFor(provider))
      for (const field of STATE_ID_FIELDS)
        out.push({
          label: `${JSON.stringify(id)} as ${field}`,
          mustSay: field !== 'previous',
          apply: (s) => putId(s, field, id)
        });
  if (mode === 'admin') {
    out.push({
      label: 'forged incomplete, token_id the admin token',
      mustSay: true,
      apply: (s, bed) => ({ ...s, token_id: bed.foreign[0]?.id, incomplete: [TARGET_LABEL] })
    });
    out.push({
      label: 'forged incomplete, token_id the other live token',
      mustSay: true,
      apply: (s, bed) => ({ ...s, token_id: bed.foreign[1]?.id, incomplete: [TARGET_LABEL] })
    });
  }
  out.push({
    label: 'the state of another rotation (another token-name and target)',
    mustSay: true,
    refuse: true,
    apply: (_s, bed) => otherRotationState(bed, 'ci-token-rotator:octo/app:OTHER_TOKEN')
  });
  out.push({
    label: 'the state of another target set (same token-name)',
    mustSay: true,
    refuse: true,
    apply: (s, bed) => otherTargetState(s, bed)
  });
  return out;
}

const OTHER_SECRET = 'OTHER_TOKEN';

/**
 * A real state of another rotation: secret OTHER_TOKEN in the same repository, its own token-name
 * and state variable, rotated once by the action; then copied into this rotation's variable.
 */
async function otherRotationState(bed: Bed, tokenName: string): Promise<StoredState> {
  const { world } = bed;
  const deps = { state: gitHubVariableState(gitHubClient(world), REPO, `${OTHER_SECRET}_STATE`) };
  const r = await world.run({ tokenName }, { targets: { secretName: OTHER_SECRET }, deps });
  if (r.outcome !== 'rotated') throw new Error(`other rotation failed: ${r.errors.join('; ')}`);
  bed.otherSecrets.push(OTHER_SECRET);
  const value = world.github.secretValue(REPO, OTHER_SECRET) ?? '';
  const other = world.sim.tokens().find((t) => t.value === value);
  if (other) bed.foreign.push({ id: other.id, value: other.value, what: "the other rotation's token" });
  return JSON.parse(world.github.variable(REPO, `${OTHER_SECRET}_STATE`) ?? '{}') as StoredState;
}

/**
 * The state of a rotation with the same token-name but another target (issue 3: two targets
 * sharing one default state). Made by hand: the action's own orphan sweep would revoke this
 * rotation's token while making it. It records a live token that secret OTHER_TOKEN holds, and
 * names its target the way the state may (`targets`; ignored where the state has no such field).
 */
function otherTargetState(s: StoredState, bed: Bed): StoredState {
  const { world } = bed;
  const token = world.sim.issueToken({ name: TOKEN_NAME });
  world.github.setSecret(REPO, OTHER_SECRET, token.value);
  bed.otherSecrets.push(OTHER_SECRET);
  const label = secretTargets({ secretName: OTHER_SECRET, repositories: [REPO], secretType: 'actions' })[0]
    ?.label;
  return { ...s, token_id: token.id, previous: null, kept: [], revoke: [], incomplete: [], targets: [label] };
}
