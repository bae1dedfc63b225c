/**
 * `ci-token-rotator rotate …`: the action's run outside GitHub Actions (GitLab CI, a laptop,
 * break-glass rotation). Same inputs, same core (execute), output for a terminal.
 */
import { parseArgs } from 'node:util';
import { execute, type RunIO } from './execute.js';
import { Redactor } from './redact.js';

/** Every action.yml input, in its order; a test keeps this list equal to action.yml. */
export const CLI_INPUTS: [name: string, meaning: string][] = [
  ['provider', 'vercel, databricks, linode, cloudflare, terraform or heroku (required)'],
  ['provider-token', 'token for the provider API; or env PROVIDER_TOKEN (required)'],
  ['provider-url', 'API base URL; required for databricks (the workspace URL)'],
  ['secret-name', 'the Actions secret to write (required)'],
  ['github-token', 'token allowed to write secrets and variables; or env GITHUB_TOKEN (required)'],
  [
    'github-api-url',
    'GitHub API URL; or env GITHUB_API_URL (default https://api.github.com; GHES: https://HOST/api/v3)'
  ],
  ['repositories', 'owner/repo list (newline or comma); default --repository'],
  ['environment', 'write environment secrets of this environment'],
  ['organization', 'write one organisation secret instead'],
  ['visibility', 'organisation secrets: all, private or selected'],
  ['secret-type', 'actions, dependabot or codespaces (default actions)'],
  ['lifetime', 'lifetime of the new token: 90m, 36h, 7d, 2w (default 7d)'],
  ['token-name', 'name given to new tokens (default ci-token-rotator:{owner/repo}:{SECRET_NAME})'],
  ['scopes', 'linode only: space-separated OAuth scopes'],
  ['token-owner', 'cloudflare account/<id> or terraform team/<id>; default the acting user'],
  ['state-variable', 'Actions variable holding the state (default {SECRET_NAME}_TOKEN_STATE)'],
  ['previous-token-id', 'ID to revoke instead of the recorded one; "current" = provider-token'],
  ['keep-previous', 'how many replaced tokens to leave alive (default 0)'],
  ['mode', 'rotate or check (default rotate)'],
  ['warn-before', 'check mode: warn when the token expires within this (default 2d)'],
  ['dry-run', 'validate and plan with read-only calls; change nothing (flag)'],
  ['request-timeout', 'seconds each request may take, 1 to 300 (default 30)'],
  ['output-token', 'also print the new token as token=… on stdout (flag)']
];
const FLAGS = new Set(['dry-run', 'output-token']);
/** Runner variables the action reads from its environment. */
const RUNNER_OPTIONS: [name: string, variable: string, meaning: string][] = [
  ['repository', 'GITHUB_REPOSITORY', 'owner/repo holding the state variable (required)']
];

export const USAGE = [
  'Usage: ci-token-rotator rotate [options]',
  '',
  'Rotates a provider API token into GitHub Actions secrets, as the GitHub Action does.',
  'Each option falls back to INPUT_<NAME> (e.g. INPUT_SECRET-NAME) in the environment.',
  'Pass credentials by environment (PROVIDER_TOKEN, GITHUB_TOKEN), not on the command line.',
  '',
  'Options:',
  ...CLI_INPUTS.map(([name, meaning]) => `  --${name.padEnd(18)} ${meaning}`),
  ...RUNNER_OPTIONS.map(
    ([name, variable, meaning]) => `  --${name.padEnd(18)} ${meaning}; or env ${variable}`
  ),
  '  --help               this text',
  '',
  'Prints progress on stderr, then the outputs as name=value lines on stdout.',
  'Exit codes: 0 done, 1 the rotation failed (the message says what was left where), 2 usage error.'
].join('\n');

/** Terminal width of a string: code points, emoji and other wide characters counted as two. */
function width(text: string): number {
  let n = 0;
  for (const ch of text)
    n +=
      /\p{Extended_Pictographic}|[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/u.test(
        ch
      )
        ? 2
        : ch === '\ufe0f'
          ? 0
          : 1;
  return n;
}

/** Splits a Markdown table row into its cells (`\|` is a literal bar). */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Inline Markdown as plain text: emphasis and code marks dropped, links as "text (url)". */
function inline(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
}

/** The job summary's Markdown as plain text for a terminal: headings bare, tables as aligned columns. */
export function markdownToText(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trimStart().startsWith('|')) {
      out.push(inline(line.replace(/^#{1,6}\s+/, '')));
      continue;
    }
    const rows: string[][] = [];
    for (; i < lines.length && (lines[i] ?? '').trimStart().startsWith('|'); i++) {
      const row = cells(lines[i] ?? '').map(inline);
      if (row.every((c) => /^:?-+:?$/.test(c))) continue; // the header separator
      if (rows.length === 0 && row.every((c) => c === '')) continue; // an empty header
      rows.push(row);
    }
    i--;
    const widths: number[] = [];
    for (const row of rows) row.forEach((c, k) => (widths[k] = Math.max(widths[k] ?? 0, width(c))));
    for (const row of rows)
      out.push(
        row
          .map((c, k) => (k === row.length - 1 ? c : c + ' '.repeat((widths[k] ?? 0) - width(c))))
          .join('  ')
          .trimEnd()
      );
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Runs the command line; returns the exit code. Streams are injectable for tests. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (text: string) => void,
  err: (text: string) => void
): Promise<number> {
  const usageError = (message: string) => {
    err(`${message}\nRun ci-token-rotator --help for the options.`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          CLI_INPUTS.map(([name]) => [name, { type: FLAGS.has(name) ? 'boolean' : 'string' }])
        ),
        ...Object.fromEntries(RUNNER_OPTIONS.map(([name]) => [name, { type: 'string' }]))
      } as Record<string, { type: 'string' | 'boolean'; short?: string }>
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || (positionals.length === 1 && positionals[0] === 'help')) {
    out(USAGE);
    return 0;
  }
  if (positionals.length === 0) return usageError('No command given: use ci-token-rotator rotate [options].');
  if (positionals.length !== 1 || positionals[0] !== 'rotate')
    return usageError(`Unknown command "${positionals.join(' ')}": use ci-token-rotator rotate [options].`);

  const redactor = new Redactor();
  const scrub = (text: string) => redactor.redact(text);
  const outputs: [string, string][] = [];
  let failed = false;
  const flag = (name: string) => values[name];
  const io: RunIO = {
    // As @actions/core reads them: INPUT_<NAME>, upper-cased, hyphens kept.
    getInput(name) {
      const given = flag(name);
      if (typeof given === 'boolean') return given ? 'true' : 'false';
      if (typeof given === 'string') return given;
      const fromEnv = env[`INPUT_${name.toUpperCase()}`];
      if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
      if (name === 'provider-token') return env.PROVIDER_TOKEN ?? '';
      if (name === 'github-token') return env.GITHUB_TOKEN ?? '';
      return '';
    },
    env: {
      GITHUB_REPOSITORY: (flag('repository') as string | undefined) ?? env.GITHUB_REPOSITORY,
      GITHUB_API_URL: env.GITHUB_API_URL
    },
    setSecret: (value) => redactor.add(value),
    setOutput: (name, value) => outputs.push([name, value]),
    info: (message) => err(`→ ${scrub(message)}`),
    warning: (message) => err(`⚠ ${scrub(message)}`),
    summary: async (markdown) => err(`\n${markdownToText(scrub(markdown))}\n`),
    fail: (message) => {
      failed = true;
      err(`✘ ${scrub(message)}`);
    }
  };
  await execute(io);
  // The token output is the only place a value may appear, and only when asked for.
  for (const [name, value] of outputs) out(`${name}=${name === 'token' ? value : scrub(value)}`);
  if (outputs.some(([name]) => name === 'token'))
    err('⚠ --output-token: the line token=… on stdout is the new token itself; keep it out of logs.');
  return failed ? 1 : 0;
}
