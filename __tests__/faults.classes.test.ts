import { writeFileSync } from 'node:fs';
import { kitOf } from './helpers/kit/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderName } from '../src/providers/index.js';
import type { LoggedRequest } from '../sim/index.js';
import { PROVIDERS } from './helpers/providers.js';
import { REPO, SECRET, STATE_VARIABLE } from './helpers/world.js';
import { pool, requestSpots, type RequestSpot } from './helpers/faults.js';
import {
  AMBIGUOUS_KINDS,
  ANOTHER_RUN,
  FAULT_CLASSES,
  HOLD_MS,
  bundleRun,
  changes,
  onLock,
  checkRerun,
  checkRun,
  clearFaults,
  echoVariants,
  hostileVariants,
  persistentFault,
  printedBy,
  rawState,
  runOnce,
  settle,
  startBed,
  tampers,
  verdict,
  type AmbiguousKind,
  type Bed,
  type FaultClass,
  type Mode,
  type RunRecord,
  type Tamper,
  type Variant
} from './helpers/fault-classes.js';

/**
 * Issue 12's fault classes, generated for every provider from a clean run's request log:
 * 1 ambiguous: a persistent 500 / 503 / dropped connection / lost answer / too slow answer on
 *   each request that changes something, in a self-rotation and with an admin provider-token;
 * 2 overlap: a second run of the same rotation started while the first waits on each request;
 * 3 hostile: each JSON answer the run reads, with arrays missing or of the wrong type, ids and
 *   names of the wrong type, unparseable dates, absurd page counts, and error answers echoing
 *   provider-token (JSON-escaped, upper-cased);
 * 4 tampered: a real state with foreign live IDs, malformed IDs, a forged `incomplete`, another
 *   rotation's state.
 * After every run the invariants of helpers/fault-classes.ts (U1-U7), after a clean re-run R1-R4.
 * In-process (world.run → rotate()), except one bundle run per provider.
 */
const WIDTH = 8;
const OVERLAP_WIDTH = 5;

interface Outcome {
  provider: ProviderName;
  cls: FaultClass;
  label: string;
  held: string[];
  broken: string[];
}

const outcomes: Outcome[] = [];

interface Clean {
  spots: RequestSpot[];
  /** The JSON answer of each spot, by index. */
  answers: unknown[];
}

/** The requests of a clean run of the scene, each with its answer. */
async function cleanLog(provider: ProviderName, mode: Mode): Promise<Clean> {
  const bed = await startBed(provider, mode, { owed: true });
  try {
    bed.world.github.clearLog();
    bed.world.sim.clearLog();
    const run = await runOnce(bed);
    if (run.report.outcome !== 'rotated')
      throw new Error(`clean ${mode} run failed: ${run.report.errors.join('; ')}`);
    const spots = requestSpots(provider, bed.world.github.requests, bed.world.sim.requests);
    const byStart = new Map<number, LoggedRequest>(
      [...bed.world.github.requests, ...bed.world.sim.requests].map((r) => [r.start, r])
    );
    return { spots, answers: spots.map((s) => byStart.get(s.start)?.response) };
  } finally {
    await bed.world.close();
  }
}

const simOf = (bed: Bed, spot: RequestSpot) => (spot.service === 'github' ? bed.world.github : bed.world.sim);
const matchOf = (spot: RequestSpot) => ({ method: spot.method, path: spot.path, skip: spot.skip });

async function scene<T>(
  provider: ProviderName,
  mode: Mode,
  owed: boolean,
  body: (bed: Bed) => Promise<T>
): Promise<T> {
  const bed = await startBed(provider, mode, { owed });
  try {
    return await body(bed);
  } finally {
    await bed.world.close();
  }
}

/** After the run under test: clear the faults, run again as the next schedule would, judge. */
async function rerun(bed: Bed, v: ReturnType<typeof verdict>, full = true): Promise<void> {
  clearFaults(bed.world);
  await settle(bed.world);
  const again = await runOnce(bed);
  await settle(bed.world);
  if (full) checkRerun(bed, again, v);
  else checkRun(bed, again, v, 're-run ');
}

function ambiguous(provider: ProviderName, mode: Mode, spot: RequestSpot, kind: AmbiguousKind) {
  return () =>
    scene(provider, mode, true, async (bed) => {
      const v = verdict();
      simOf(bed, spot).fault(persistentFault(kind, spot));
      const run = await runOnce(bed);
      await settle(bed.world);
      checkRun(bed, run, v);
      await rerun(bed, v);
      return outcome(provider, 'ambiguous', `${mode}: ${spot.label} × persistent ${kind}`, v);
    });
}

function hostile(provider: ProviderName, spot: RequestSpot, variant: Variant | ((token: string) => Variant)) {
  const label = typeof variant === 'function' ? variant('x').label : variant.label;
  return () =>
    scene(provider, 'self', true, async (bed) => {
      const v = verdict();
      const token = bed.world.github.secretValue(REPO, SECRET) ?? '';
      const chosen = typeof variant === 'function' ? variant(token) : variant;
      simOf(bed, spot).fault({ ...matchOf(spot), ...chosen.fault });
      const run = await runOnce(bed);
      await settle(bed.world);
      checkRun(bed, run, v);
      await rerun(bed, v);
      return outcome(provider, 'hostile', `${spot.label} answers ${label}`, v);
    });
}

function tampered(provider: ProviderName, mode: Mode, tamper: Tamper) {
  return () =>
    scene(provider, mode, false, async (bed) => {
      const v = verdict();
      const state = rawState(bed.world);
      if (!state) throw new Error('the clean run left no state');
      const forged = await tamper.apply(state, bed);
      bed.world.github.setVariable(REPO, STATE_VARIABLE, JSON.stringify(forged));
      const run = await runOnce(bed);
      await settle(bed.world);
      checkRun(bed, run, v);
      if (tamper.refuse) {
        const changed = [...bed.world.github.requests, ...bed.world.sim.requests].filter(
          (r) => r.start >= run.start && r.start <= run.end && changes(r)
        );
        const said = [...run.report.errors, run.report.leftAs].join('\n');
        v.check(
          'T2 refused before any side effect, naming state-variable or token-name',
          run.report.outcome === 'failed' && changed.length === 0 && /state-variable|token-name/.test(said),
          `outcome ${run.report.outcome}, ${changed.length} changes (${changed.map((r) => `${r.method} ${r.pathname}`).join(', ')}): ${said.slice(0, 200)}`
        );
      }
      if (tamper.mustSay)
        v.check(
          'T1 says what was refused',
          run.report.outcome === 'failed' || run.warnings.length > 0,
          `outcome ${run.report.outcome}, no warning`
        );
      // The tampered state stays until a person repairs it: the next run must be as safe.
      await rerun(bed, v, false);
      return outcome(provider, 'tampered', `${mode}: ${tamper.label}`, v);
    });
}

const inFlight = (r: LoggedRequest) => r.end === r.start && r.status === 0;
let slowestB = 0;

/**
 * Run A waits on one request (held HOLD_MS by the simulator, then handled); meanwhile run B, with
 * the same inputs, runs to its end. Requests that started while B ran are B's, the rest A's.
 */
function overlap(provider: ProviderName, spot: RequestSpot) {
  return () =>
    scene(provider, 'self', true, async (bed) => {
      const v = verdict();
      const { world } = bed;
      const actingToken = world.github.secretValue(REPO, SECRET) ?? '';
      const sim = simOf(bed, spot);
      // Only requests from here on are A's or B's (the set-up made some too).
      const base = {
        github: world.github.requests.length,
        sim: world.sim.requests.length,
        held: sim.requests.length
      };
      sim.fault({ ...matchOf(spot), delayMs: HOLD_MS });
      let aDone = false;
      const aRun = runOnce(bed, { actingToken }).finally(() => (aDone = true));
      let held: LoggedRequest | undefined;
      while (!held && !aDone) {
        await sleep(2);
        held = sim.requests.slice(base.held).find((r) => r.faulted);
      }
      let b: RunRecord | undefined;
      if (!held) v.check('O0 run A reaches the held request', false, 'it never made it');
      else {
        await settle(world, held, 20);
        b = await runOnce(bed, { actingToken, run: { id: '3000', attempt: 1 } });
        v.check(
          'O0 run B finishes while A is held',
          inFlight(held),
          `B took ${Math.round(b.end - b.start)} ms`
        );
        slowestB = Math.max(slowestB, b.end - b.start);
      }
      const a = await aRun;
      await settle(world);
      const all = [...world.github.requests.slice(base.github), ...world.sim.requests.slice(base.sim)];
      const ofB = (r: LoggedRequest) => !!b && r !== held && r.start >= b.start && r.start <= b.end;
      const changed = {
        A: all.filter((r) => !ofB(r) && changes(r)),
        B: all.filter((r) => ofB(r) && changes(r))
      };
      const runs = { A: a, B: b };
      const changers = (['A', 'B'] as const).filter((k) => changed[k].length > 0);
      const describe = (k: 'A' | 'B') =>
        `${k}: ${changed[k].map((r) => `${r.method} ${r.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, '')}`).join(', ')}`;
      v.check(
        'O1 at most one of two overlapping runs changes anything',
        changers.length <= 1,
        changers.map(describe).join('; ')
      );
      // The run that changed nothing must fail; if it tried to change something (the lock aside),
      // it must say that another run was at work. A run that stopped in its read-only preflight
      // (B revoked its provider-token first) cannot tell a later run from an overlapping one.
      for (const k of ['A', 'B'] as const) {
        const r = runs[k];
        if (!r || changers.includes(k)) continue;
        const said = [...r.report.errors, r.report.leftAs].join('\n');
        const tried = all.some((q) => (k === 'B') === ofB(q) && q.method !== 'GET' && !onLock(q));
        v.check(
          `O2 the run that changed nothing (${k}) fails${tried ? ' saying another run' : ''}`,
          r.report.outcome === 'failed' && (!tried || ANOTHER_RUN.test(said)),
          `${k} ${r.report.outcome}: ${said.slice(0, 300)}`
        );
      }
      checkRun(bed, a, v, 'A ');
      if (b) checkRun(bed, b, v, 'B ');
      await rerun(bed, v);
      return outcome(provider, 'overlap', `B started while A waits on ${spot.label}`, v);
    });
}

/** Through the bundle: an error answer to the create echoing provider-token JSON-escaped. */
function bundleEcho(provider: ProviderName) {
  return () =>
    scene(provider, 'self', false, async (bed) => {
      const v = verdict();
      const token = bed.world.github.secretValue(REPO, SECRET) ?? '';
      const variant = echoVariants(provider, token).find(
        (x) => x.label.startsWith('400') && /escaped/.test(x.label)
      );
      const create = kitOf(provider).create;
      bed.world.sim.fault({ method: create.method, path: create.path, ...variant?.fault });
      const start = performance.now();
      const action = await bundleRun(bed);
      await settle(bed.world);
      const run: RunRecord = {
        report: {
          outcome: action.code === 0 ? 'rotated' : 'failed',
          dryRun: false,
          targets: [],
          revocations: [],
          kept: [],
          errors: [],
          leftAs: ''
        },
        printed: printedBy(action),
        warnings: [],
        start,
        end: performance.now()
      };
      checkRun(bed, run, v, 'bundle ');
      return outcome(provider, 'hostile', `bundle: create answers ${variant?.label}`, v);
    });
}

function outcome(
  provider: ProviderName,
  cls: FaultClass,
  label: string,
  v: ReturnType<typeof verdict>
): Outcome {
  return { provider, cls, label, held: v.held, broken: v.broken };
}

const isObject = (x: unknown) => !!x && typeof x === 'object';

beforeAll(async () => {
  const started = Date.now();
  const cleans = await Promise.all(
    PROVIDERS.map(async (p) => ({ p, self: await cleanLog(p, 'self'), admin: await cleanLog(p, 'admin') }))
  );
  const slow: (() => Promise<Outcome>)[] = [];
  const rest: (() => Promise<Outcome>)[] = [];
  const overlaps: (() => Promise<Outcome>)[] = [];
  for (const { p, self, admin } of cleans) {
    for (const [mode, clean] of [
      ['self', self],
      ['admin', admin]
    ] as const)
      for (const spot of clean.spots.filter((s) => s.method !== 'GET'))
        for (const kind of AMBIGUOUS_KINDS)
          (kind === 'slow' ? slow : rest).push(ambiguous(p, mode, spot, kind));
    self.spots.forEach((spot, i) => {
      const answer = self.answers[i];
      if (isObject(answer))
        for (const variant of hostileVariants(answer)) rest.push(hostile(p, spot, variant));
      if (spot.service !== 'github')
        for (const index of [0, 1, 2, 3])
          rest.push(hostile(p, spot, (token) => echoVariants(p, token)[index] as Variant));
      overlaps.push(overlap(p, spot));
    });
    for (const mode of ['self', 'admin'] as const)
      for (const t of tampers(mode, p)) rest.push(tampered(p, mode, t));
    rest.push(bundleEcho(p));
  }
  // The too-slow answers only wait on timeouts: run them all at once, beside the rest. The
  // overlapping runs come last and fewer at a time, so run B ends well within the hold.
  const [slowDone, restDone] = await Promise.all([pool(slow, slow.length), pool(rest, WIDTH)]);
  const mid = Date.now();
  outcomes.push(...slowDone, ...restDone, ...(await pool(overlaps, OVERLAP_WIDTH)));
  const s = (ms: number) => `${Math.round(ms / 1000)} s`;
  console.log(
    `fault classes: ${outcomes.length} scenarios in ${s(Date.now() - started)} (overlap ${s(Date.now() - mid)})`
  );
  console.log(`slowest run B: ${Math.round(slowestB)} ms of a ${HOLD_MS} ms hold`);
  if (process.env.FAULT_CLASSES_REPORT)
    writeFileSync(process.env.FAULT_CLASSES_REPORT, JSON.stringify(outcomes, null, 1));
}, 300_000);

describe.each(PROVIDERS)('fault classes: %s', (provider) => {
  test.each(FAULT_CLASSES)('%s: every invariant holds in every scenario', (cls) => {
    const mine = outcomes.filter((o) => o.provider === provider && o.cls === cls);
    expect(mine.length).toBeGreaterThan(0);
    const failures = mine.filter((o) => o.broken.length > 0).map((o) => `${o.label}: ${o.broken.join('; ')}`);
    expect(failures).toEqual([]);
  });
});

afterAll(() => {
  if (outcomes.length === 0) return;
  const rows = PROVIDERS.flatMap((p) =>
    FAULT_CLASSES.map((cls) => {
      const mine = outcomes.filter((o) => o.provider === p && o.cls === cls);
      const held = mine.reduce((n, o) => n + o.held.length, 0);
      const broken = mine.reduce((n, o) => n + o.broken.length, 0);
      const failed = mine.filter((o) => o.broken.length > 0).length;
      return `| ${p} | ${cls} | ${mine.length} | ${held} held, ${broken} broken | ${failed} |`;
    })
  );
  console.log(
    [
      'Fault classes (issue 12)',
      '| provider | class | scenarios | checks | scenarios with a broken check |',
      '|---|---|---|---|---|',
      ...rows
    ].join('\n')
  );
});
