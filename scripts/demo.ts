/**
 * `npm run demo [-- vercel|databricks|linode|cloudflare|terraform|heroku]`: starts the simulators, runs the bundled action
 * twice (a bootstrap run, then a scheduled rotation) and shows what the services ended up holding.
 */
import { PROVIDER_SIMS, startGithubSim } from '../sim/index.js';
import { runAction, type ActionRun } from './run-action.js';

const provider = process.argv[2] ?? 'vercel';
const starters = PROVIDER_SIMS;
if (!Object.hasOwn(starters, provider)) {
  console.error(`Unknown provider "${provider}": use ${Object.keys(starters).join(', ')}.`);
  process.exit(2);
}

const GITHUB_TOKEN = 'github_pat_demo_0123456789';
const [github, sim] = await Promise.all([startGithubSim(), starters[provider as keyof typeof starters]()]);
github.addRepo('octo/app');
github.addToken(GITHUB_TOKEN);
const bootstrap = sim.issueToken({ name: 'made by hand' });
const short = (value: string) => `${value.slice(0, 6)}…(${value.length} chars)`;

function show(title: string, run: ActionRun): void {
  console.log(`\n=== ${title}: exit code ${run.code}`);
  console.log('outputs:', JSON.stringify(run.outputs, null, 2));
  console.log('job summary:\n' + run.summary.trim().replace(/^/gm, '  | '));
  if (run.code !== 0) console.log('log:\n' + run.stdout);
}

function check(label: string, ok: boolean): void {
  console.log(`${ok ? '✔' : '✘'} ${label}`);
  if (!ok) process.exitCode = 1;
}

try {
  console.log(`Simulators: GitHub ${github.url}, ${provider} ${sim.apiUrl}`);
  console.log(`A token made by hand: ${bootstrap.id} = ${short(bootstrap.value)}`);
  const inputs = {
    provider,
    'provider-url': sim.apiUrl,
    'secret-name': 'API_TOKEN',
    'github-token': GITHUB_TOKEN
  };
  const env = { GITHUB_API_URL: github.url };

  /** One run of the bundle, and what the services hold after it. */
  async function rotation(
    title: string,
    providerToken: string,
    replaced: { id: string; value: string },
    extra = {}
  ) {
    const run = await runAction({ ...inputs, 'provider-token': providerToken, ...extra }, env);
    show(title, run);
    const value = github.secretValue('octo/app', 'API_TOKEN') ?? '';
    const id = run.outputs['token-id'] ?? '';
    check(
      `the secret decrypts to the new token ${id}`,
      sim.tokens().some((t) => t.id === id && t.value === value)
    );
    check('the new token is live', sim.isLive(value));
    check(`the replaced token ${replaced.id} is dead`, !sim.isLive(replaced.value));
    return { run, id, value };
  }

  const first = await rotation('Run 1 (bootstrap: previous-token-id current)', bootstrap.value, bootstrap, {
    'previous-token-id': 'current'
  });
  const second = await rotation('Run 2 (scheduled: acting with the token in the secret)', first.value, first);
  check(
    'no token value was printed',
    ![first.run, second.run].some((r) =>
      [r.summary, r.stderr, r.outputsFile, r.stdout.replace(/::add-mask::.*$/gm, '')].some(
        (t) => t.includes(first.value) || t.includes(second.value)
      )
    )
  );
  console.log(
    `\nState variable API_TOKEN_TOKEN_STATE: ${github.variable('octo/app', 'API_TOKEN_TOKEN_STATE')}`
  );
} finally {
  await Promise.all([github.close(), sim.close()]);
}
