import { createGitHubClient } from '../../src/github/client.js';
import { gitHubSecrets } from '../../src/github/secrets.js';
import { secretTargets, type TargetSpec } from '../../src/github/targets.js';
import { gitHubVariableState } from '../../src/github/state-store.js';
import { gitHubVariableLock } from '../../src/github/lock-store.js';
import { lockTimes } from '../../src/execute.js';
import type { RotationLock } from '../../src/protocol/lock.js';
import type { ProviderName } from '../../src/providers/index.js';
import { rotate, type RotateDeps, type RotationPlanInputs, type RotationReport } from '../../src/rotate.js';
import { parseState, type RotationState } from '../../src/state.js';
import { startGithubSim, type GithubSim, type ProviderSim } from '../../sim/index.js';
import { kitOf } from './kit/index.js';
import { clientFor, startProviderSim } from './providers.js';

export const GITHUB_TOKEN = 'github_pat_test_0123456789';
export const SECRET = 'API_TOKEN';
export const STATE_VARIABLE = 'API_TOKEN_TOKEN_STATE';
export const REPO = 'octo/app';
export const LOCK_VARIABLE = `${STATE_VARIABLE}_LOCK`;

/** GitHub and one provider simulator, seeded as a user would have them before the first run. */
export interface World {
  github: GithubSim;
  sim: ProviderSim;
  /** provider-url for the action: the simulator's URL with the API's base path. */
  providerUrl: string;
  acting: { id: string; value: string };
  masked: string[];
  /** The lock every run takes, to run with another workflow-run identity. */
  lock: RotationLock;
  run(plan?: Partial<RotationPlanInputs>, options?: RunOptions): Promise<RotationReport>;
  state(): RotationState | undefined;
  close(): Promise<void>;
}

export interface RunOptions {
  repositories?: string[];
  /** Other targets than repository secrets in `repositories`. */
  targets?: Partial<TargetSpec>;
  actingToken?: string;
  deps?: Partial<RotateDeps>;
}

export interface WorldOptions {
  /** Scales GitHub retry waits (Retry-After seconds); 1 ms keeps tests fast. */
  waitUnitMs?: number;
}

export async function startWorld(
  name: ProviderName,
  repositories: string[] = [REPO],
  worldOptions: WorldOptions = {}
): Promise<World> {
  const [github, sim] = await Promise.all([startGithubSim(), startProviderSim(name)]);
  for (const repo of repositories) github.addRepo(repo);
  github.addToken(GITHUB_TOKEN);
  const acting = sim.issueToken({ name: 'bootstrap' });
  const masked: string[] = [];
  const octokit = createGitHubClient({
    token: GITHUB_TOKEN,
    baseUrl: github.url,
    timeoutMs: 2000,
    waitUnitMs: worldOptions.waitUnitMs ?? 1
  });

  const lock: RotationLock = { port: gitHubVariableLock(octokit, REPO, LOCK_VARIABLE), ...lockTimes(2000) };
  return {
    github,
    sim,
    providerUrl: sim.apiUrl,
    acting,
    masked,
    lock,
    run(plan = {}, options = {}) {
      const targets = secretTargets({
        secretName: SECRET,
        repositories: options.repositories ?? repositories,
        secretType: 'actions',
        ...options.targets
      });
      const actingToken = options.actingToken ?? acting.value;
      return rotate(
        {
          tokenName: `ci-token-rotator:${REPO}:${SECRET}`,
          lifetimeSeconds: 7 * 86400,
          keepPrevious: 0,
          dryRun: false,
          ...plan
        },
        {
          provider: clientFor(name, sim, actingToken).provider,
          providerName: name,
          actingToken,
          secrets: gitHubSecrets(octokit),
          targets,
          state: gitHubVariableState(octokit, REPO, STATE_VARIABLE),
          stateLabel: `variable ${STATE_VARIABLE} in ${REPO}`,
          lock,
          now: () => new Date(),
          sleep: async () => undefined,
          log: { info: () => undefined, warning: () => undefined },
          mask: (value) => masked.push(value),
          ...options.deps
        }
      );
    },
    state() {
      const text = github.variable(REPO, STATE_VARIABLE);
      return text === undefined ? undefined : parseState(text, name).state;
    },
    async close() {
      await Promise.all([github.close(), sim.close()]);
    }
  };
}

/** The token-owner input a bundle run of this provider's shared suites passes, if its kit has one. */
export function ownerInput(name: ProviderName): Record<string, string> {
  const owner = kitOf(name).owner;
  return owner ? { 'token-owner': `${owner.kind}/${owner.id}` } : {};
}

/** Every request that changes something, on every simulator. */
export function mutations(...sims: { requests: { method: string; path: string }[] }[]): string[] {
  return sims.flatMap((s) =>
    s.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
  );
}
