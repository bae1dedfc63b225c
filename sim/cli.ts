/**
 * Start the simulators for manual runs and the demo:
 *   npx tsx sim/cli.ts [--provider vercel|databricks|linode|cloudflare|terraform|heroku]
 *                      [--latency-ms N] [--port-base N]
 *                      [--repository owner/repo]
 * Prints one JSON object with URLs and seeded credentials, then runs until SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startGithubSim } from './github.js';
import type { ProviderSim } from './provider.js';
import { PROVIDER_SIMS as PROVIDERS, type SimulatedProvider as ProviderName } from './registry.js';
import type { SimOptions } from './server.js';

function count(name: string, raw: string | undefined): number {
  const n = Number(raw ?? 0);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      provider: { type: 'string' },
      'latency-ms': { type: 'string' },
      'port-base': { type: 'string' },
      // The repository to seed (a workflow's own, for the self-test); default octo/app.
      repository: { type: 'string' }
    }
  });
  const names = Object.keys(PROVIDERS) as ProviderName[];
  if (values.provider !== undefined && !names.includes(values.provider as ProviderName))
    throw new Error(`--provider must be one of ${names.join(', ')}, got '${values.provider}'`);
  const chosen = values.provider === undefined ? names : [values.provider as ProviderName];
  const latencyMs = count('latency-ms', values['latency-ms']);
  const portBase = count('port-base', values['port-base']);
  const at = (offset: number): SimOptions => ({ latencyMs, port: portBase === 0 ? 0 : portBase + offset });

  const github = await startGithubSim(at(0));
  const repository = values.repository ?? 'octo/app';
  if (!/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/.test(repository))
    throw new Error(`--repository must be owner/repo, got '${repository}'`);
  const token = `ghp_${randomBytes(18).toString('hex')}`;
  github.addRepo(repository);
  github.addToken(token);
  const servers: { close(): Promise<void> }[] = [github];
  const out: Record<string, unknown> = { github: { url: github.url, token, repository } };
  for (const name of chosen) {
    const sim: ProviderSim = await PROVIDERS[name](at(names.indexOf(name) + 1));
    servers.push(sim);
    const seeded = sim.issueToken({ name: 'seeded by sim/cli' });
    out[name] = { url: sim.apiUrl, token: seeded.value, tokenId: seeded.id };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);

  const stop = (): void => {
    void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
