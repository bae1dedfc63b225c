/**
 * `npm run demo [-- vercel|databricks|linode]`: starts the simulators, runs the bundled action
 * twice (a bootstrap run, then a scheduled rotation) and shows what the services ended up holding.
 */
import { startGithubSim } from '../sim/index.js';
import { startDatabricksSim, startLinodeSim, startVercelSim } from '../sim/index.js';
import { runAction, type ActionRun } from './run-action.js';

const provider = process.argv[2] ?? 'vercel';
const starters = { vercel: startVercelSim, databricks: startDatabricksSim, linode: startLinodeSim };
if (!(provider in starters)) {
  console.error(`Unknown provider "${provider}": use vercel, databricks or linode.`);
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
  console.log(`Simulators: GitHub ${github.url}, ${provider} ${sim.url}`);
  console.log(`A token made by hand: ${bootstrap.id} = ${short(bootstrap.value)}`);
  const inputs = {
    provider,
    'provider-url': sim.url,
    'secret-name': 'API_TOKEN',
    'github-token': GITHUB_TOKEN
  };
  const env = { GITHUB_API_URL: github.url };

  const first = await runAction(
    { ...inputs, 'provider-token': bootstrap.value, 'previous-token-id': 'current' },
    env
  );
  show('Run 1 (bootstrap: previous-token-id current)', first);
  const afterFirst = github.secretValue('octo/app', 'API_TOKEN') ?? '';
  check(
    `the secret decrypts to the new token ${first.outputs['token-id']}`,
    sim.tokens().some((t) => t.id === first.outputs['token-id'] && t.value === afterFirst)
  );
  check('the new token is live', sim.isLive(afterFirst));
  check(`the hand-made token ${bootstrap.id} is dead`, !sim.isLive(bootstrap.value));

  const second = await runAction({ ...inputs, 'provider-token': afterFirst }, env);
  show('Run 2 (scheduled: acting with the token in the secret)', second);
  const afterSecond = github.secretValue('octo/app', 'API_TOKEN') ?? '';
  check(
    `the secret decrypts to the new token ${second.outputs['token-id']}`,
    sim.tokens().some((t) => t.id === second.outputs['token-id'] && t.value === afterSecond)
  );
  check('the new token is live', sim.isLive(afterSecond));
  check(`the previous token ${first.outputs['token-id']} is dead`, !sim.isLive(afterFirst));
  check(
    'no token value was printed',
    ![first, second].some((r) =>
      [r.summary, r.stderr, r.outputsFile, r.stdout.replace(/::add-mask::.*$/gm, '')].some(
        (t) => t.includes(afterFirst) || t.includes(afterSecond)
      )
    )
  );
  console.log(
    `\nState variable API_TOKEN_TOKEN_STATE: ${github.variable('octo/app', 'API_TOKEN_TOKEN_STATE')}`
  );
} finally {
  await Promise.all([github.close(), sim.close()]);
}
