import { providers, type ProviderName } from '../../src/providers/index.js';
import { parseState, type RotationState } from '../../src/state.js';
import type { Fault, GithubSim, LoggedRequest, ProviderSim } from '../../sim/index.js';
import { runAction, type ActionRun } from '../../scripts/run-action.js';
import { kitOf } from './kit/index.js';
import { GITHUB_TOKEN, ownerInput, REPO, SECRET, STATE_VARIABLE, startWorld, type World } from './world.js';

export const TOKEN_NAME = `ci-token-rotator:${REPO}:${SECRET}`;
/** Short, so a "slow" response outlasts it without slowing the suite much. */
export const REQUEST_TIMEOUT_S = 2;

export type FaultKind = '500' | '502' | '503' | '429' | 'drop' | 'lost' | 'slow' | 'auth';
export const FAULT_KINDS: FaultKind[] = ['500', '502', '503', '429', 'drop', 'lost', 'slow', 'auth'];

/** GitHub's credential-refused answer (each provider's is in its kit). */
const GITHUB_AUTH_FAILURE: Fault = {
  status: 401,
  body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }
};

export function faultOf(kind: FaultKind, service: ProviderName | 'github'): Fault {
  switch (kind) {
    case '429':
      return { status: 429, headers: { 'retry-after': '1' } };
    case 'drop':
      return { drop: true };
    case 'lost':
      return { drop: true, afterHandling: true };
    case 'slow':
      return { delayMs: REQUEST_TIMEOUT_S * 1000 + 1000 };
    case 'auth':
      return service === 'github' ? GITHUB_AUTH_FAILURE : kitOf(service).authFailure;
    default:
      return { status: Number(kind) };
  }
}

/** One request of a clean run: which simulator, and how to match that request again. */
export interface RequestSpot {
  service: ProviderName | 'github';
  method: string;
  path: RegExp;
  /** How many earlier requests match too (the fault skips them). */
  skip: number;
  /** For people: `GitHub PUT /repos/{owner}/{repo}/actions/secrets/{secret}`. */
  label: string;
  start: number;
}

// Token IDs differ from world to world; everything else in a path is fixed by the set-up.
const TOKEN_ID_SEGMENT =
  /^(tok_[0-9a-f]+|[0-9]{3,}|[0-9a-f]{32,}|at-[A-Za-z0-9]{16}|user-[A-Za-z0-9]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function template(pathname: string): { pattern: RegExp; label: string } {
  const segments = pathname.split('/');
  const isId = segments.map((s) => TOKEN_ID_SEGMENT.test(s));
  const pattern = new RegExp(
    `^${segments.map((s, i) => (isId[i] ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`
  );
  const label = segments
    .map((s, i) => (isId[i] ? '{id}' : s))
    .join('/')
    .replace(`/repos/${REPO}/`, '/repos/{owner}/{repo}/')
    .replace(`/repos/${REPO}`, '/repos/{owner}/{repo}')
    .replace(STATE_VARIABLE, '{state-variable}')
    .replace(SECRET, '{secret}');
  return { pattern, label };
}

const serviceLabel = (name: ProviderName | 'github') =>
  name === 'github' ? 'GitHub' : providers[name].label;

/** Every request of a run, in the order they started, each with a way to fault it again. */
export function requestSpots(
  service: ProviderName,
  github: LoggedRequest[],
  provider: LoggedRequest[]
): RequestSpot[] {
  const spots: RequestSpot[] = [];
  for (const [name, log] of [
    ['github', github],
    [service, provider]
  ] as const) {
    const seen = new Map<string, number>();
    for (const r of log) {
      const { pattern, label } = template(r.pathname);
      const key = `${r.method} ${pattern.source}`;
      const skip = seen.get(key) ?? 0;
      seen.set(key, skip + 1);
      spots.push({
        service: name,
        method: r.method,
        path: pattern,
        skip,
        label: `${serviceLabel(name)} ${r.method} ${label}`,
        start: r.start
      });
    }
  }
  return spots.sort((a, b) => a.start - b.start);
}

export interface Scene {
  provider: ProviderName;
  world: World;
  /** What the secret held before the run under test. */
  before: { tokenId: string; value: string };
  /**
   * One run of the bundle as workflow run 1000; `attempt` 2 is "re-run failed jobs", which may take
   * over the rotation lock a killed attempt 1 left.
   */
  run(signal?: AbortSignal, attempt?: number): Promise<ActionRun>;
  sim(service: ProviderName | 'github'): GithubSim | ProviderSim;
}

/** A world after one clean first rotation, ready for a self-rotation through the bundle. */
export async function startScene(provider: ProviderName): Promise<Scene> {
  const world = await startWorld(provider);
  const first = await world.run({ tokenName: TOKEN_NAME });
  if (first.outcome !== 'rotated') {
    await world.close();
    throw new Error(`set-up rotation failed: ${first.errors.join('; ')}`);
  }
  const scene: Scene = {
    provider,
    world,
    before: { tokenId: first.token?.id ?? '', value: world.github.secretValue(REPO, SECRET) ?? '' },
    run(signal, attempt = 1) {
      const value = world.github.secretValue(REPO, SECRET) ?? '';
      return runAction(
        {
          provider,
          'provider-token': value,
          'provider-url': world.providerUrl,
          ...ownerInput(provider),
          'secret-name': SECRET,
          'github-token': GITHUB_TOKEN,
          'request-timeout': String(REQUEST_TIMEOUT_S)
        },
        {
          GITHUB_REPOSITORY: REPO,
          GITHUB_API_URL: world.github.url,
          GITHUB_RUN_ID: '1000',
          GITHUB_RUN_ATTEMPT: String(attempt)
        },
        'dist/index.js',
        signal
      );
    },
    sim: (service) => (service === 'github' ? world.github : world.sim)
  };
  return scene;
}

export interface Verdict {
  held: string[];
  broken: string[];
  complete: boolean;
}

const NEXT_STEP = /run again|next run|re-run|next successful rotation/i;

/**
 * The invariants of issue 4, read off the simulators:
 * 1 every target decrypts to a live token; 2 no live token of this rotation is unaccounted for;
 * 3 the state names the token in the secret; 4 no token value in anything printed;
 * 5 exit code 0 exactly when the rotation completed, else the last line says what was left.
 */
export function judge(scene: Scene, run: ActionRun | undefined, checks: { killed?: boolean } = {}): Verdict {
  const { world, before } = scene;
  const held: string[] = [];
  const broken: string[] = [];
  const check = (name: string, ok: boolean, detail = '') =>
    (ok ? held : broken).push(ok ? name : `${name}: ${detail}`);

  const secret = world.github.secretValue(REPO, SECRET) ?? '';
  const secretToken = world.sim.tokens().find((t) => t.value === secret);
  const text = world.github.variable(REPO, STATE_VARIABLE);
  const state: RotationState | undefined = text ? parseState(text, scene.provider).state : undefined;
  const live = world.sim.liveTokens().filter((t) => t.name === TOKEN_NAME);
  const accounted = new Set([secretToken?.id, ...(state?.kept ?? []), ...(state?.revoke ?? [])]);

  check(
    '1 secret holds a live token',
    !!secretToken && world.sim.isLive(secret),
    `secret token ${secretToken?.id} dead`
  );
  if (!checks.killed) {
    const strays = live.filter((t) => !accounted.has(t.id)).map((t) => t.id);
    check('2 no unaccounted live token', strays.length === 0, `live and unrecorded: ${strays.join(', ')}`);
    check(
      '3 state names the secret token',
      state?.tokenId === secretToken?.id,
      `state ${state?.tokenId}, secret ${secretToken?.id}`
    );
  }
  if (run) {
    const printed = [
      run.stdout.replace(/^::add-mask::.*$/gm, ''),
      run.stderr,
      run.summary,
      run.outputsFile
    ].join('\n');
    const leaked = world.sim
      .tokens()
      .filter((t) => printed.includes(t.value))
      .map((t) => t.id);
    check('4 no token value printed', leaked.length === 0, `values of ${leaked.join(', ')} printed`);
  }
  const complete =
    !!secretToken &&
    secretToken.id !== before.tokenId &&
    state?.tokenId === secretToken.id &&
    (state?.incomplete.length ?? 0) === 0 &&
    !world.sim.isLive(before.value) &&
    live.every((t) => t.id === secretToken.id) &&
    (state?.revoke ?? []).every((id) => !world.sim.isLive(id));
  if (run && !checks.killed) {
    check(
      '5 exit code says whether it completed',
      (run.code === 0) === complete,
      `exit ${run.code}, complete ${complete}`
    );
    if (run.code !== 0) {
      // core escapes a multi-line message onto one line: %0A for a newline, %25 for %.
      const message = run.stdout.match(/^::error::(.*)$/m)?.[1] ?? '';
      const lastLine = (message.split('%0A').at(-1) ?? '').replace(/%25/g, '%');
      check('5 last error line says what next', NEXT_STEP.test(lastLine), `last line: ${lastLine}`);
    }
  }
  return { held, broken, complete };
}

/** Runs tasks a few at a time: each scenario has its own simulators, so they do not interfere. */
export async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await (tasks[i] as () => Promise<T>)();
      }
    })
  );
  return results;
}

/**
 * The credential values that appear in `text`, ignoring case and JSON escapes (`\u0076cp_…`):
 * a value printed upper-cased, or escaped one character at a time, is still printed.
 */
export function leaksIn(text: string, values: string[]): string[] {
  const unescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16))
  );
  const folded = `${text}\n${unescaped}`.toLowerCase();
  return values.filter((v) => v.length >= 8 && folded.includes(v.toLowerCase()));
}
