import { createGitHubClient } from '../src/github/client.js';
import { gitHubSecrets } from '../src/github/secrets.js';
import { secretTargets } from '../src/github/targets.js';
import { githubSecondaryLimit, startGithubSim, type GithubSim, type SecondaryLimit } from '../sim/index.js';
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

/**
 * GitHub's documented secondary limits at 500 repositories, on a scaled clock: the client's wait
 * unit (GitHub's second) is `unit` ms and the simulator's minute 60 units. 500 secret writes are
 * 2500 points on one endpoint, beyond one minute's 900: the pacer must spread them over three
 * minutes, and GitHub must never refuse one. The minute is long enough that this machine could
 * send faster than the budget (the peak reaches it), short enough to keep the test to seconds.
 */
describe("fan-out to 500 repositories at GitHub's documented secondary limits", () => {
  const MANY = [REPO, ...Array.from({ length: 499 }, (_, i) => `octo/repo-${i + 1}`)];
  const PUT_SECRET = 'PUT /repos/:owner/:repo/actions/secrets/:name';
  const refusals = (gh: GithubSim) => gh.requests.filter((r) => r.status === 403 || r.status === 429);
  const span = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
  let world: World;

  test('paced before GitHub refuses: 0 refused, every secret decrypts to the new token', async () => {
    const unit = 40;
    world = await startWorld('vercel', MANY, { waitUnitMs: unit });
    try {
      world.github.latencyMs = 2;
      world.github.secondaryLimit = githubSecondaryLimit({ minuteMs: 60 * unit });
      const report = await world.run();
      expect(report.outcome).toBe('rotated');
      expect(refusals(world.github)).toEqual([]);
      const stats = world.github.secondaryStats();
      expect(stats.refused).toEqual({ concurrent: 0, points: 0, content: 0, writes: 0 });
      expect(stats.peakInFlight).toBeLessThanOrEqual(100);
      // The budget was reached, never passed.
      expect(stats.peakPoints[PUT_SECRET]).toBe(900);
      for (const points of Object.values(stats.peakPoints)) expect(points).toBeLessThanOrEqual(900);
      const value = world.sim.tokens().find((t) => t.id === report.token?.id)?.value;
      expect(value).toBeDefined();
      for (const repo of MANY) expect(world.github.secretValue(repo, SECRET)).toBe(value);
      // A key read and a write for every repository (on a loaded machine a request can outlast the
      // 2 s timeout and be retried: counted as paths, not requests).
      const puts = requestsTo(world, /\/actions\/secrets\/API_TOKEN$/).filter((r) => r.method === 'PUT');
      const paths = (rs: { pathname: string }[]) => new Set(rs.map((r) => r.pathname)).size;
      expect(paths(puts)).toBe(MANY.length);
      expect(paths(requestsTo(world, /\/actions\/secrets\/public-key$/))).toBe(MANY.length);
      // 2500 points: the writes span two whole minutes at least.
      expect(span(puts.map((r) => r.start))).toBeGreaterThanOrEqual(2 * 60 * unit - 1);

      // The state names 500 targets: the next run reads it and rotates again (it once refused a
      // state of more than 100 targets as edited by hand).
      world.github.clearSecondaryWindows();
      const next = await world.run();
      expect(next.errors).toEqual([]);
      expect(next.outcome).toBe('rotated');
      expect(world.sim.isLive(report.token?.id ?? '')).toBe(false);
      const newest = world.sim.tokens().find((t) => t.id === next.token?.id)?.value;
      for (const repo of MANY) expect(world.github.secretValue(repo, SECRET)).toBe(newest);
    } finally {
      await world.close();
    }
  });

  describe('at the SecretsPort, every write at once', () => {
    let gh: GithubSim;
    afterEach(() => gh.close());

    async function writeAll(unit: number, repos: string[], options: { contentCreation?: boolean } = {}) {
      const octokit = createGitHubClient({
        token: 'github_pat_fanout',
        baseUrl: gh.url,
        timeoutMs: 5000,
        waitUnitMs: unit,
        ...options
      });
      const secrets = gitHubSecrets(octokit);
      const targets = secretTargets({ secretName: SECRET, repositories: repos, secretType: 'actions' });
      const prepared = await Promise.all(targets.map((t) => secrets.prepare(t)));
      const results = await Promise.allSettled(
        targets.map((t, i) => secrets.write(t, prepared[i]!, `value-of-${t.label}`))
      );
      return results.filter((r) => r.status === 'rejected').length;
    }

    async function startGithub(repos: string[], limit: SecondaryLimit) {
      gh = await startGithubSim();
      gh.latencyMs = 2;
      for (const r of repos) gh.addRepo(r);
      gh.addToken('github_pat_fanout');
      gh.secondaryLimit = limit;
    }

    test('secret writes as content creation (80 a minute): with contentCreation on, 0 refused', async () => {
      const unit = 20;
      const repos = MANY.slice(0, 200);
      await startGithub(
        repos,
        githubSecondaryLimit({ minuteMs: 60 * unit, secretWritesCreateContent: true })
      );
      expect(await writeAll(unit, repos, { contentCreation: true })).toBe(0);
      expect(refusals(gh)).toEqual([]);
      expect(gh.secondaryStats().peakContent).toBe(80);
      for (const r of repos) expect(gh.secretValue(r, SECRET)).toBe(`value-of-${r}:${SECRET}`);
      const puts = gh.requests.filter((r) => r.method === 'PUT').map((r) => r.start);
      expect(span(puts)).toBeGreaterThanOrEqual(2 * 60 * unit - 1);
    });

    test('secret writes counted as content creation, not assumed: one round of refusals, then one write a second', async () => {
      // A "second" of 25 ms: long against the event loop's lag on a busy runner (at 5 ms, a write
      // delayed by a few ms could land in a refused window again).
      const unit = 25;
      const repos = MANY.slice(0, 120);
      await startGithub(
        repos,
        githubSecondaryLimit({ minuteMs: 60 * unit, secretWritesCreateContent: true })
      );
      expect(await writeAll(unit, repos)).toBe(0);
      for (const r of repos) expect(gh.secretValue(r, SECRET)).toBe(`value-of-${r}:${SECRET}`);
      const refused = refusals(gh).map((r) => r.pathname);
      expect(refused.length).toBeGreaterThan(0);
      expect(new Set(refused).size).toBe(refused.length); // none refused twice
      expect(gh.secondaryStats().refused).toMatchObject({
        content: refused.length,
        points: 0,
        concurrent: 0
      });
    });

    test('a GitHub stricter than its documents: refusals are retried after retry-after, all written', async () => {
      const unit = 20;
      const repos = MANY.slice(0, 100);
      // 450 points: 90 writes a minute, where the client counts on 180.
      await startGithub(repos, { ...githubSecondaryLimit({ minuteMs: 60 * unit }), pointsPerMinute: 450 });
      expect(await writeAll(unit, repos)).toBe(0);
      expect(refusals(gh).length).toBeGreaterThan(0);
      for (const r of repos) expect(gh.secretValue(r, SECRET)).toBe(`value-of-${r}:${SECRET}`);
    });
  });
});
