import type { ProviderName } from '../src/providers/index.js';
import { PROVIDERS } from './helpers/providers.js';
import { REPO, SECRET } from './helpers/world.js';
import {
  FAULT_KINDS,
  faultOf,
  judge,
  pool,
  requestSpots,
  startScene,
  type FaultKind,
  type RequestSpot,
  type Verdict
} from './helpers/faults.js';

/**
 * Issue 4's fault-injection suite. For each provider: one clean self-rotation through the bundle
 * lists the requests it makes; then, for every request and every fault kind, a fresh world runs
 * the bundle with that one fault, checks the invariants, runs it again without faults, and
 * checks the rotation completed. Also: SIGKILL while each request is in flight, then a clean run.
 */
const WIDTH = 6;

interface Outcome {
  provider: ProviderName;
  spot: string;
  fault: FaultKind | 'SIGKILL';
  exit: number | null;
  faulty: Verdict;
  rerun: Verdict;
  rerunExit: number | null;
}

const outcomes: Outcome[] = [];

async function scenario(
  provider: ProviderName,
  spot: RequestSpot,
  fault: FaultKind | 'SIGKILL'
): Promise<Outcome> {
  const scene = await startScene(provider);
  try {
    const sim = scene.sim(spot.service);
    const match = { method: spot.method, path: spot.path, skip: spot.skip };
    let run;
    if (fault === 'SIGKILL') {
      // The request never gets an answer: the process dies while it is in flight.
      sim.fault({ ...match, delayMs: 10_000, drop: true });
      const abort = new AbortController();
      const watch = setInterval(() => {
        if (sim.requests.some((r) => r.faulted)) abort.abort();
      }, 10);
      run = await scene.run(abort.signal);
      clearInterval(watch);
      sim.clearFaults();
    } else {
      sim.fault({ ...match, ...faultOf(fault, spot.service) });
      run = await scene.run();
    }
    const faulty = judge(scene, run, { killed: fault === 'SIGKILL' });
    scene.world.github.clearFaults();
    scene.world.sim.clearFaults();
    const held = scene.world.github.secretValue(REPO, SECRET) ?? '';
    scene.before = { tokenId: scene.world.sim.tokens().find((t) => t.value === held)?.id ?? '', value: held };
    // As a user would after a failed run: "Re-run failed jobs" (attempt 2 of the same run).
    const rerunRun = await scene.run(undefined, 2);
    const rerun = judge(scene, rerunRun);
    if (!rerun.complete) rerun.broken.push('re-run did not complete the rotation');
    return { provider, spot: spot.label, fault, exit: run.code, faulty, rerun, rerunExit: rerunRun.code };
  } finally {
    await scene.world.close();
  }
}

describe.each(PROVIDERS)('fault injection: %s', (provider) => {
  test('every single fault on every request is survived', async () => {
    const scene = await startScene(provider);
    scene.world.github.clearLog();
    scene.world.sim.clearLog();
    const clean = await scene.run();
    expect(clean.code).toBe(0);
    const spots = requestSpots(provider, scene.world.github.requests, scene.world.sim.requests);
    await scene.world.close();
    expect(spots.length).toBeGreaterThanOrEqual(8);

    const tasks = spots.flatMap((spot) =>
      [...FAULT_KINDS, 'SIGKILL' as const]
        // A lost answer to a read is just a dropped connection, tried already.
        .filter((fault) => !(fault === 'lost' && spot.method === 'GET'))
        .map((fault) => () => scenario(provider, spot, fault))
    );
    const results = await pool(tasks, WIDTH);
    outcomes.push(...results);
    const failures = results
      .filter((r) => r.faulty.broken.length > 0 || r.rerun.broken.length > 0)
      .map(
        (r) =>
          `${r.spot} × ${r.fault}: ${[...r.faulty.broken, ...r.rerun.broken.map((b) => `re-run ${b}`)].join('; ')}`
      );
    expect(failures).toEqual([]);
  }, 240_000);
});

afterAll(() => {
  if (outcomes.length === 0) return;
  const rows = PROVIDERS.map((p) => {
    const mine = outcomes.filter((o) => o.provider === p);
    const checks = mine.reduce((n, o) => n + o.faulty.held.length + o.rerun.held.length, 0);
    const broken = mine.reduce((n, o) => n + o.faulty.broken.length + o.rerun.broken.length, 0);
    const survivedFirstTime = mine.filter((o) => o.exit === 0).length;
    return `| ${p} | ${mine.length} | ${checks} held, ${broken} broken | ${survivedFirstTime} completed despite the fault, ${mine.length - survivedFirstTime} failed safely and were completed by the re-run |`;
  });
  console.log(
    [
      'Fault-injection suite',
      '| provider | scenarios | invariant checks | faults survived |',
      '|---|---|---|---|',
      ...rows
    ].join('\n')
  );
});
