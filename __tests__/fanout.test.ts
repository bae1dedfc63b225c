import { REPO, SECRET, startWorld, type World } from './helpers/world.js';

const REPOSITORIES = [REPO, ...Array.from({ length: 49 }, (_, i) => `octo/repo-${i + 1}`)];

function requestsTo(world: World, pattern: RegExp) {
  return world.github.requests.filter((r) => pattern.test(r.pathname));
}

describe('fan-out to 50 repositories', () => {
  let world: World;
  afterEach(() => world.close());

  test("within GitHub's documented secondary limits: no request refused, two requests per target", async () => {
    world = await startWorld('vercel', REPOSITORIES);
    world.github.latencyMs = 5;
    // 100 concurrent requests; 900 points a minute at 5 points a write = 180 writes a minute.
    world.github.secondaryLimit = {
      maxConcurrentWrites: 100,
      maxWritesPerWindow: 180,
      windowMs: 60_000,
      retryAfterSeconds: 60
    };
    const report = await world.run();
    expect(report.outcome).toBe('rotated');
    const value = world.sim.tokens().find((t) => t.id === report.token?.id)?.value;
    for (const repo of REPOSITORIES) expect(world.github.secretValue(repo, SECRET)).toBe(value);
    expect(world.github.requests.filter((r) => r.status === 403)).toEqual([]);
    const keyReads = requestsTo(world, /\/actions\/secrets\/public-key$/);
    const writes = requestsTo(world, /\/actions\/secrets\/API_TOKEN$/).filter((r) => r.method === 'PUT');
    expect(keyReads.map((r) => r.pathname).sort()).toEqual(
      REPOSITORIES.map((r) => `/repos/${r}/actions/secrets/public-key`).sort()
    );
    expect(writes.map((r) => r.pathname).sort()).toEqual(
      REPOSITORIES.map((r) => `/repos/${r}/actions/secrets/API_TOKEN`).sort()
    );
  });

  test('a stricter secondary limit: refused writes slow down, none is refused twice, all complete', async () => {
    // One wait unit of 25 ms stands for a second: longer than a request takes here.
    world = await startWorld('vercel', REPOSITORIES, { waitUnitMs: 25 });
    world.github.latencyMs = 10;
    world.github.secondaryLimit = { maxConcurrentWrites: 2, retryAfterSeconds: 1 };
    const report = await world.run();
    expect(report.outcome).toBe('rotated');
    const value = world.sim.tokens().find((t) => t.id === report.token?.id)?.value;
    for (const repo of REPOSITORIES) expect(world.github.secretValue(repo, SECRET)).toBe(value);
    const refused = world.github.requests
      .filter((r) => r.status === 403)
      .map((r) => `${r.method} ${r.pathname}`);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused).size).toBe(refused.length);
    const writes = requestsTo(world, /\/actions\/secrets\/API_TOKEN$/).filter(
      (r) => r.method === 'PUT' && r.status !== 403
    );
    expect(writes).toHaveLength(REPOSITORIES.length);
  });
});
