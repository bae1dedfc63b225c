import { createGitHubClient } from './github/client.js';
import { gitHubSecrets } from './github/secrets.js';
import { secretTargets } from './github/targets.js';
import { gitHubVariableState } from './github/state-store.js';
import { gitHubVariableLock } from './github/lock-store.js';
import type { RotationLock } from './protocol/lock.js';
import { createHttpClient, realSleep } from './http.js';
import { credentialVariants, parseInputs } from './inputs.js';
import { providers } from './providers/index.js';
import { Redactor } from './redact.js';
import { checkExpiry } from './check.js';
import { checkOutputsOf, outputsOf, renderCheckSummary, renderSummary } from './report.js';
import { rotate, type RotationReport } from './rotate.js';

/** Where a run reads its inputs and reports to: the Actions runner, or a terminal (cli.ts). */
export interface RunIO {
  getInput(name: string): string;
  env: Record<string, string | undefined>;
  /** Hide a value from everything printed from now on. */
  setSecret(value: string): void;
  setOutput(name: string, value: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** The Markdown job summary. */
  summary(markdown: string): Promise<void>;
  /** Mark the run failed with this (already redacted) message. */
  fail(message: string): void;
}

/** GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT, when both are well formed. */
function runOf(env: RunIO['env']): RotationLock['run'] {
  const id = env.GITHUB_RUN_ID?.trim() ?? '';
  const attempt = Number(env.GITHUB_RUN_ATTEMPT?.trim() || '1');
  return /^\d{1,20}$/.test(id) && Number.isInteger(attempt) && attempt > 0 ? { id, attempt } : undefined;
}

/**
 * The longest one step may take: four attempts of request-timeout plus backoff, and GitHub's
 * rate-limit waits. The lease covers three such steps, and a run starts no step it could not
 * finish within the lease.
 */
export function lockTimes(requestTimeoutMs: number): { leaseMs: number; stepBudgetMs: number } {
  const stepBudgetMs = 4 * requestTimeoutMs + 6 * 60_000;
  return { leaseMs: 3 * stepBudgetMs, stepBudgetMs };
}

/** Inputs → real clients → rotate() → outputs, summary and failure. Never throws. */
export async function execute(io: RunIO): Promise<RotationReport | undefined> {
  const redactor = new Redactor();
  // A credential upper- or lower-cased (a secret-name, say) is still that credential.
  const mask = (value: string) => {
    for (const variant of credentialVariants(value)) io.setSecret(variant);
    redactor.add(value);
  };
  try {
    const inputs = parseInputs(io.getInput, io.env);
    mask(inputs.providerToken);
    mask(inputs.githubToken);
    const spec = providers[inputs.provider];
    const http = createHttpClient({
      baseUrl: inputs.providerUrl,
      token: inputs.providerToken,
      redactor,
      timeoutMs: inputs.requestTimeoutMs,
      retryAfterStatuses: spec.retryAfterStatuses
    });
    const octokit = createGitHubClient({
      token: inputs.githubToken,
      baseUrl: inputs.githubApiUrl,
      timeoutMs: inputs.requestTimeoutMs,
      log: io.info
    });

    const provider = spec.create({
      baseUrl: inputs.providerUrl,
      actingToken: inputs.providerToken,
      http,
      owner: inputs.tokenOwner
    });
    const state = gitHubVariableState(octokit, inputs.currentRepository, inputs.stateVariable);
    const stateLabel = `variable ${inputs.stateVariable} in ${inputs.currentRepository}`;
    if (inputs.mode === 'check') {
      const check = await checkExpiry(inputs.warnBeforeSeconds, {
        provider,
        providerName: inputs.provider,
        state,
        stateLabel,
        now: () => new Date()
      });
      for (const [name, value] of Object.entries(checkOutputsOf(check))) io.setOutput(name, value);
      await io.summary(
        redactor.redact(renderCheckSummary(check, { providerLabel: spec.label, now: new Date() }))
      );
      if (check.health === 'fail') io.fail(redactor.redact(check.message));
      else if (check.health === 'warn') io.warning(check.message);
      else io.info(check.message);
      return undefined;
    }

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
        provider,
        providerName: inputs.provider,
        actingToken: inputs.providerToken,
        secrets: gitHubSecrets(octokit),
        targets: secretTargets(inputs),
        state,
        stateLabel,
        lock: {
          port: gitHubVariableLock(octokit, inputs.currentRepository, `${inputs.stateVariable}_LOCK`),
          run: runOf(io.env),
          ...lockTimes(inputs.requestTimeoutMs)
        },
        now: () => new Date(),
        sleep: realSleep,
        log: { info: io.info, warning: io.warning },
        mask
      }
    );

    for (const [name, value] of Object.entries(outputsOf(report))) io.setOutput(name, value);
    if (inputs.outputToken && report.tokenValue) io.setOutput('token', report.tokenValue);
    await io.summary(redactor.redact(renderSummary(report, { providerLabel: spec.label, now: new Date() })));
    if (report.outcome === 'failed') io.fail(redactor.redact([...report.errors, report.leftAs].join('\n')));
    else io.info(report.leftAs);
    return report;
  } catch (err) {
    io.fail(redactor.redact(err instanceof Error ? err.message : String(err)));
    return undefined;
  }
}
