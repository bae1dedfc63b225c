import {
  costOf,
  GITHUB_SECONDARY_LIMITS,
  Ledger,
  Pacer,
  type PacerClock,
  type PacingBudget,
  type RequestCost
} from '../src/github/pacing.js';

const MINUTE = 60_000;
const GITHUB: PacingBudget = { minuteMs: MINUTE, pointsPerMinute: 900, maxInFlight: 100 };
const PUT_SECRET = costOf('PUT', '/repos/{owner}/{repo}/actions/secrets/{secret_name}');
const GET_KEY = costOf('GET', '/repos/{owner}/{repo}/actions/secrets/public-key');

describe('costOf', () => {
  it("GitHub's points: 5 for POST, PATCH, PUT, DELETE; 1 for GET, HEAD, OPTIONS", () => {
    for (const m of ['POST', 'PATCH', 'PUT', 'DELETE']) expect(costOf(m, '/x').points).toBe(5);
    for (const m of ['GET', 'HEAD', 'OPTIONS', 'get']) expect(costOf(m, '/x').points).toBe(1);
    expect(GITHUB_SECONDARY_LIMITS).toEqual({
      maxConcurrent: 100,
      pointsPerMinute: 900,
      writePoints: 5,
      readPoints: 1,
      contentPerMinute: 80
    });
  });

  it('names the endpoint by method and URL template, without origin or query', () => {
    expect(PUT_SECRET.endpoint).toBe('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}');
    expect(costOf('get', 'https://ghe.example/api/v3/repos/o/r?page=2').endpoint).toBe(
      'GET /api/v3/repos/o/r'
    );
    expect(costOf('GET', '/repos/{owner}/{repo}/actions/variables/{name}?x=1').endpoint).toBe(
      'GET /repos/{owner}/{repo}/actions/variables/{name}'
    );
  });

  it('content creation: POSTs and secret writes, not reads or other writes', () => {
    expect(PUT_SECRET.content).toBe(true);
    expect(costOf('PUT', '/orgs/{org}/dependabot/secrets/{secret_name}').content).toBe(true);
    expect(costOf('POST', '/repos/{owner}/{repo}/actions/variables').content).toBe(true);
    expect(costOf('PATCH', '/repos/{owner}/{repo}/actions/variables/{name}').content).toBe(false);
    expect(costOf('DELETE', '/repos/{owner}/{repo}/actions/variables/{name}').content).toBe(false);
    expect(GET_KEY.content).toBe(false);
  });
});

/** Start `cost` at `now` if the ledger allows it then; returns whether it did. */
function tryStart(ledger: Ledger, cost: RequestCost, now: number) {
  const when = ledger.when(cost, now);
  return when.at === now ? ledger.start(cost, now) : undefined;
}

describe('Ledger', () => {
  it('900 points a minute per endpoint: 180 writes start at once, the 181st waits for an answer', () => {
    const ledger = new Ledger({ ...GITHUB, maxInFlight: 1000 });
    for (let i = 0; i < 180; i++) expect(tryStart(ledger, PUT_SECRET, 0)).toBeDefined();
    expect(ledger.pointsOf(PUT_SECRET.endpoint, 0)).toBe(900);
    expect(ledger.when(PUT_SECRET, 0)).toEqual({ at: 'answer' });
    // Another endpoint's budget is its own.
    expect(ledger.when(GET_KEY, 0)).toEqual({ at: 0 });
  });

  it('a request counts until a minute after its answer: the next one fits exactly then', () => {
    const ledger = new Ledger({ ...GITHUB, maxInFlight: 1000 });
    const tickets = Array.from({ length: 180 }, () => ledger.start(PUT_SECRET, 0));
    tickets.forEach((t, i) => ledger.finish(t, 100 + i)); // answers arrive at 100..279
    expect(ledger.when(PUT_SECRET, 200)).toEqual({ at: 100 + MINUTE });
    expect(ledger.when(PUT_SECRET, 100 + MINUTE - 1)).toEqual({ at: 100 + MINUTE });
    expect(ledger.when(PUT_SECRET, 100 + MINUTE)).toEqual({ at: 100 + MINUTE });
    // Three writes need the three oldest answers to age out.
    const three = { ...PUT_SECRET, points: 15 };
    expect(ledger.when(three, 0)).toEqual({ at: 102 + MINUTE });
    // A minute after the last answer, the whole budget is back.
    expect(ledger.pointsOf(PUT_SECRET.endpoint, 279 + MINUTE)).toBe(0);
  });

  it('reads and writes of the same path are different endpoints', () => {
    const ledger = new Ledger({ ...GITHUB, maxInFlight: 1000 });
    for (let i = 0; i < 900; i++) ledger.start(GET_KEY, 0);
    expect(ledger.when(GET_KEY, 0)).toEqual({ at: 'answer' });
    expect(ledger.when(costOf('PUT', '/repos/{owner}/{repo}/actions/secrets/public-key'), 0)).toEqual({
      at: 0
    });
  });

  it('in flight: at most maxInFlight across endpoints; an answer frees a slot at once', () => {
    const ledger = new Ledger({ ...GITHUB, maxInFlight: 2 });
    const a = ledger.start(GET_KEY, 0);
    ledger.start(PUT_SECRET, 0);
    expect(ledger.inFlight).toBe(2);
    expect(ledger.when(costOf('GET', '/other'), 5)).toEqual({ at: 'answer' });
    ledger.finish(a, 7);
    ledger.finish(a, 8); // finishing twice changes nothing
    expect(ledger.inFlight).toBe(1);
    expect(ledger.when(costOf('GET', '/other'), 9)).toEqual({ at: 9 });
  });

  it('content creation: 80 a minute when asked for, across endpoints; not counted otherwise', () => {
    const paced = new Ledger({ ...GITHUB, maxInFlight: 1000, contentPerMinute: 80 });
    const unpaced = new Ledger({ ...GITHUB, maxInFlight: 1000 });
    const orgWrite = costOf('PUT', '/orgs/{org}/actions/secrets/{secret_name}');
    const tickets = [];
    for (let i = 0; i < 80; i++) {
      tickets.push(paced.start(i % 2 ? PUT_SECRET : orgWrite, 0));
      unpaced.start(PUT_SECRET, 0);
    }
    expect(paced.when(PUT_SECRET, 0)).toEqual({ at: 'answer' });
    expect(paced.when(GET_KEY, 0)).toEqual({ at: 0 });
    expect(unpaced.when(PUT_SECRET, 0)).toEqual({ at: 0 });
    tickets.forEach((t) => paced.finish(t, 10));
    expect(paced.when(costOf('POST', '/repos/{owner}/{repo}/actions/variables'), 20)).toEqual({
      at: 10 + MINUTE
    });
  });

  it('a request dearer than the whole budget still goes, alone in its minute', () => {
    const ledger = new Ledger({ ...GITHUB, pointsPerMinute: 3 });
    const t = tryStart(ledger, PUT_SECRET, 0);
    expect(t).toBeDefined();
    expect(ledger.when(PUT_SECRET, 0)).toEqual({ at: 'answer' });
    ledger.finish(t!, 50);
    expect(ledger.when(PUT_SECRET, 60)).toEqual({ at: 50 + MINUTE });
  });

  it('after a refusal, writes start at least a gap apart; reads do not wait', () => {
    const ledger = new Ledger({ ...GITHUB, maxInFlight: 1000, writeGapMs: 0 });
    ledger.start(PUT_SECRET, 0);
    expect(ledger.when(PUT_SECRET, 0)).toEqual({ at: 0 });
    ledger.spaceWrites(1000);
    ledger.spaceWrites(10); // never shortens
    ledger.start(costOf('DELETE', '/repos/{owner}/{repo}/actions/variables/{name}'), 5);
    expect(ledger.when(PUT_SECRET, 6)).toEqual({ at: 1005 });
    expect(ledger.when(costOf('PATCH', '/x'), 6)).toEqual({ at: 1005 });
    expect(ledger.when(GET_KEY, 6)).toEqual({ at: 6 });
  });

  it('refuses a budget that cannot work', () => {
    expect(() => new Ledger({ ...GITHUB, minuteMs: 0 })).toThrow('minuteMs');
    expect(() => new Ledger({ ...GITHUB, maxInFlight: 0 })).toThrow('maxInFlight');
  });
});

/** A clock whose time moves only when told, running due timers in order. */
function fakeClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: PacerClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++nextId, { at: now + ms, fn });
      return nextId;
    },
    clearTimeout: (id) => void timers.delete(id as number)
  };
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    clock,
    get now() {
      return now;
    },
    pending: () => timers.size,
    /** Run timers until none is left (or `until` is reached). */
    async run(until = Infinity) {
      await flush();
      for (;;) {
        const due = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!due || due[1].at > until) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
        await flush();
      }
    }
  };
}

describe('Pacer', () => {
  it('500 secret writes answered at once: 180, 180 and 140, a minute apart; never 900 points in a minute', async () => {
    const time = fakeClock();
    const pacer = new Pacer(GITHUB, time.clock);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 500 }, async () => {
        const release = await pacer.acquire(PUT_SECRET);
        starts.push(time.now);
        release();
      }).concat([time.run()])
    );
    const counts = new Map<number, number>();
    for (const s of starts) counts.set(s, (counts.get(s) ?? 0) + 1);
    // 100 at once (the bound in flight), the next 80 as those answer, within the same instant.
    expect([...counts.entries()]).toEqual([
      [0, 180],
      [MINUTE, 180],
      [2 * MINUTE, 140]
    ]);
    for (const s of starts)
      expect(starts.filter((x) => x > s - MINUTE && x <= s).length * 5).toBeLessThanOrEqual(900);
    expect(time.pending()).toBe(0);
    expect(pacer.waiting).toBe(0);
  });

  it('a request held back on one endpoint does not hold back another', async () => {
    const time = fakeClock();
    const pacer = new Pacer({ ...GITHUB, pointsPerMinute: 5 }, time.clock);
    (await pacer.acquire(PUT_SECRET))();
    const order: string[] = [];
    const write = pacer.acquire(PUT_SECRET).then((release) => {
      order.push(`write at ${time.now}`);
      release();
    });
    const read = pacer.acquire(GET_KEY).then((release) => {
      order.push(`read at ${time.now}`);
      release();
    });
    await Promise.all([write, read, time.run()]);
    expect(order).toEqual(['read at 0', `write at ${MINUTE}`]);
  });

  it('at most maxInFlight at once; the next starts when one is answered, first come first served', async () => {
    const time = fakeClock();
    const pacer = new Pacer({ ...GITHUB, maxInFlight: 2 }, time.clock);
    const releases: (() => void)[] = [];
    const started: number[] = [];
    const all = [0, 1, 2, 3].map((i) =>
      pacer.acquire(costOf('GET', `/endpoint/${i}`)).then((release) => {
        started.push(i);
        releases.push(release);
      })
    );
    await time.run();
    expect(started).toEqual([0, 1]);
    expect(pacer.ledger.inFlight).toBe(2);
    releases[1]!();
    await time.run();
    expect(started).toEqual([0, 1, 2]);
    releases[0]!();
    releases[0]!(); // a second release changes nothing
    await Promise.all([...all, time.run()]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(pacer.ledger.inFlight).toBe(2);
  });

  it('spaceWrites: the writes still waiting go a gap apart', async () => {
    const time = fakeClock();
    const pacer = new Pacer({ ...GITHUB, maxInFlight: 1 }, time.clock);
    const first = await pacer.acquire(PUT_SECRET);
    const starts: number[] = [];
    const rest = [1, 2, 3].map(() =>
      pacer.acquire(PUT_SECRET).then((release) => {
        starts.push(time.now);
        release();
      })
    );
    pacer.spaceWrites(1000);
    first();
    await Promise.all([...rest, time.run()]);
    expect(starts).toEqual([1000, 2000, 3000]);
  });

  it('content creation on: 200 secret writes go 80 a minute', async () => {
    const time = fakeClock();
    const pacer = new Pacer({ ...GITHUB, contentPerMinute: 80 }, time.clock);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const cost =
          i % 2 ? PUT_SECRET : costOf('PUT', '/repos/{owner}/{repo}/dependabot/secrets/{secret_name}');
        const release = await pacer.acquire(cost);
        starts.push(time.now);
        release();
      }).concat([time.run()])
    );
    expect(starts.filter((s) => s === 0)).toHaveLength(80);
    expect(starts.filter((s) => s === MINUTE)).toHaveLength(80);
    expect(starts.filter((s) => s === 2 * MINUTE)).toHaveLength(40);
  });
});
