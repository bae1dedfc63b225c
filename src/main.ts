import * as core from '@actions/core';
import { createGitHubClient } from './github/client.js';
import { sodiumReady } from './github/seal.js';
import { gitHubSecrets } from './github/secrets.js';
import { secretTargets } from './github/targets.js';
import { gitHubVariableState } from './github/state-store.js';
import { createHttpClient, realSleep } from './http.js';
import { parseInputs } from './inputs.js';
import { providers } from './providers/index.js';
import { Redactor } from './redact.js';
import { outputsOf, renderSummary } from './report.js';
import { rotate } from './rotate.js';

/** Inputs → real clients → rotate() → outputs, summary and exit status. */
export async function run(): Promise<void> {
  // Start libsodium's set-up now; it completes while the preflight waits on the network.
  const sodium = sodiumReady().catch(() => undefined);
  const redactor = new Redactor();
  try {
    const inputs = parseInputs((name) => core.getInput(name), process.env);
    for (const credential of [inputs.providerToken, inputs.githubToken]) {
      core.setSecret(credential);
      redactor.add(credential);
    }
    const spec = providers[inputs.provider];
    const http = createHttpClient({
      baseUrl: inputs.providerUrl,
      token: inputs.providerToken,
      redactor,
      timeoutMs: inputs.requestTimeoutMs
    });
    const octokit = createGitHubClient({
      token: inputs.githubToken,
      baseUrl: inputs.githubApiUrl,
      timeoutMs: inputs.requestTimeoutMs,
      log: core.info
    });
    const targets = secretTargets(inputs);

    const report = await rotate(
      {
        tokenName: inputs.tokenName,
        lifetimeSeconds: inputs.lifetimeSeconds,
        scopes: inputs.scopes,
        keepPrevious: inputs.keepPrevious,
        previousTokenId: inputs.previousTokenId,
        dryRun: inputs.dryRun
      },
      {
        provider: spec.create({ baseUrl: inputs.providerUrl, actingToken: inputs.providerToken, http }),
        providerName: inputs.provider,
        actingToken: inputs.providerToken,
        secrets: gitHubSecrets(octokit),
        targets,
        state: gitHubVariableState(octokit, inputs.currentRepository, inputs.stateVariable),
        stateLabel: `variable ${inputs.stateVariable} in ${inputs.currentRepository}`,
        now: () => new Date(),
        sleep: realSleep,
        log: { info: core.info, warning: core.warning },
        mask: (value) => {
          core.setSecret(value);
          redactor.add(value);
        }
      }
    );
    await sodium;

    for (const [name, value] of Object.entries(outputsOf(report))) core.setOutput(name, value);
    if (inputs.outputToken && report.tokenValue) core.setOutput('token', report.tokenValue);
    const summary = renderSummary(report, { providerLabel: spec.label, now: new Date() });
    // Outside a runner there is no summary file; the log still has every message.
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();

    if (report.outcome === 'failed') {
      core.setFailed(redactor.redact([...report.errors, report.leftAs].join('\n')));
    } else core.info(report.leftAs);
  } catch (err) {
    core.setFailed(redactor.redact(err instanceof Error ? err.message : String(err)));
  }
}
