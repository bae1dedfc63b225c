import { seeDocs } from './docs.js';
import type { Sleep } from './http.js';
import type { PreparedTarget, SecretsPort, WriteResult } from './github/secrets.js';
import { describeTarget, type SecretTarget } from './github/targets.js';
import type { StatePort } from './github/state-store.js';
import { ProviderError } from './providers/errors.js';
import type { AccessCheck, NewToken, Provider, ProviderName, ProviderToken } from './providers/index.js';
import {
  describeIds,
  messageOf,
  discardNewToken,
  putBack,
  revokeActingToken,
  revokeLostTokens,
  verifyWithRetry
} from './recovery.js';
import { planRevocations, revocationBatches, type RevocationPlan } from './revocations.js';
import { parseState, serializeState, type RotationState } from './state.js';

export interface RotationPlanInputs {
  tokenName: string;
  lifetimeSeconds: number;
  scopes?: string;
  keepPrevious: number;
  /** An ID, or `current` for the token given as provider-token. */
  previousTokenId?: string;
  dryRun: boolean;
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

export interface RotateDeps {
  provider: Provider;
  providerName: ProviderName;
  secrets: SecretsPort;
  targets: SecretTarget[];
  state: StatePort;
  /** How the state is named in messages, e.g. `variable X_TOKEN_STATE in octo/app`. */
  stateLabel: string;
  now(): Date;
  sleep: Sleep;
  log: Logger;
  /** The provider-token value (already masked): a re-run completing a partial rotation writes it. */
  actingToken: string;
  /** Called the instant a token value exists, before anything can print it. */
  mask(value: string): void;
  /** Attempts to verify the new token (it may take a moment to become usable). */
  verifyAttempts?: number;
}

export type TargetOutcome =
  WriteResult | 'failed' | 'not written' | 'would create' | 'would update' | 'put back';
export interface TargetResult {
  label: string;
  /** "repository secret", "environment secret", … */
  kind: string;
  outcome: TargetOutcome;
  error?: string;
}

export type RevokeOutcome = 'revoked' | 'already gone' | 'failed' | 'would revoke';
export interface RevokeResult {
  id: string;
  outcome: RevokeOutcome;
  error?: string;
  /** A live token carrying this rotation's name that nothing recorded (left by a crashed run). */
  orphan?: true;
}

export interface TokenSummary {
  id: string;
  name: string;
  expiresAt: Date | null;
}

export interface RotationReport {
  outcome: 'rotated' | 'planned' | 'failed';
  dryRun: boolean;
  token?: TokenSummary;
  /** Only for the `token` output, once some target holds it; already masked. */
  tokenValue?: string;
  previousTokenId?: string;
  targets: TargetResult[];
  revocations: RevokeResult[];
  /** Replaced tokens left alive by keep-previous. */
  kept: string[];
  /** What went wrong, in order. Empty when the rotation completed. */
  errors: string[];
  /** Where things were left and what the next run does. */
  leftAs: string;
}

const NOTHING_CHANGED =
  'Nothing was changed: no token was created and no secret or state was written. Fix the cause above and run again.';

export interface Preflight {
  state?: RotationState;
  /** The state variable as read, to notice another run changing it meanwhile. */
  stateText?: string;
  stateExisted: boolean;
  prepared: PreparedTarget[];
  access: AccessCheck;
}

/** Step 1: read-only and all at once. Any failure here means nothing was changed. */
async function preflight(
  deps: RotateDeps,
  report: RotationReport,
  dryRun: boolean
): Promise<Preflight | undefined> {
  const { targets } = deps;
  deps.log.info(`Checking access: ${deps.providerName}, ${deps.stateLabel}, ${targets.length} target(s)`);
  const [accessResult, stateResult, ...targetResults] = await Promise.allSettled([
    deps.provider.checkAccess(),
    deps.state.read(),
    ...targets.map((t) => deps.secrets.prepare(t, { inspect: dryRun }))
  ]);
  if (accessResult.status === 'rejected') report.errors.push(messageOf(accessResult.reason));
  let state: RotationState | undefined;
  if (stateResult.status === 'rejected') report.errors.push(messageOf(stateResult.reason));
  else if (stateResult.value !== undefined) {
    const parsed = parseState(stateResult.value, deps.providerName);
    if (parsed.problem)
      report.errors.push(
        `The state ${deps.stateLabel} ${parsed.problem}. Delete the variable, or set state-variable to another name.${seeDocs('howItWorks')}.`
      );
    state = parsed.state;
  }
  targetResults.forEach((result, i) => {
    if (result.status === 'rejected') {
      report.errors.push(messageOf(result.reason));
      Object.assign(report.targets[i] ?? {}, { outcome: 'failed', error: messageOf(result.reason) });
    }
  });
  if (report.errors.length > 0 || accessResult.status === 'rejected' || stateResult.status === 'rejected')
    return undefined;
  return {
    state: state && withoutDeadTokens(state, accessResult.value.tokens),
    stateText: stateResult.value,
    stateExisted: stateResult.value !== undefined,
    prepared: targetResults.map((r) => (r as PromiseFulfilledResult<PreparedTarget>).value),
    access: accessResult.value
  };
}

/**
 * A rotation that wrote only some targets is completed, not repeated, when the acting token is
 * the one it created (self-rotation reads it from a written secret) and it is not yet half-spent:
 * the missing targets get that token, and no needless new token is minted.
 */
function completionOf(plan: RotationPlanInputs, deps: RotateDeps, pre: Preflight): NewToken | undefined {
  const state = pre.state;
  if (!state || state.incomplete.length === 0 || plan.previousTokenId) return undefined;
  if (pre.access.actingTokenId !== state.tokenId) return undefined;
  const expires = state.expiresAt ? Date.parse(state.expiresAt) : Infinity;
  if (expires - deps.now().getTime() < (plan.lifetimeSeconds * 1000) / 2) return undefined;
  return {
    id: state.tokenId,
    name: state.tokenName,
    createdAt: null,
    expiresAt: state.expiresAt ? new Date(state.expiresAt) : null,
    value: deps.actingToken
  };
}

/**
 * The rotation protocol: preflight → create → verify → write every target → record state →
 * revoke. At every step each target holds a live token; a failure stops the protocol where the
 * working credential is still safe, and the report says what was left where.
 */
export async function rotate(plan: RotationPlanInputs, deps: RotateDeps): Promise<RotationReport> {
  const { provider, secrets, targets, log } = deps;
  const report: RotationReport = {
    outcome: 'failed',
    dryRun: plan.dryRun,
    targets: targets.map((t) => ({ label: t.label, kind: describeTarget(t), outcome: 'not written' })),
    revocations: [],
    kept: [],
    errors: [],
    leftAs: NOTHING_CHANGED
  };
  const fail = (leftAs: string) => {
    report.outcome = 'failed';
    report.leftAs = leftAs;
    return report;
  };

  const pre = await preflight(deps, report, plan.dryRun);
  if (!pre) return fail(NOTHING_CHANGED);
  const { state, access } = pre;

  let explicitPrevious = plan.previousTokenId;
  if (explicitPrevious === 'current') {
    if (!access.actingTokenId) {
      report.errors.push(
        'previous-token-id is "current", but the token given as provider-token was not found among the tokens the provider lists. Give its ID instead.' +
          seeDocs('inputs') +
          '.'
      );
      return fail(NOTHING_CHANGED);
    }
    explicitPrevious = access.actingTokenId;
  }
  const completing = completionOf(plan, deps, pre);
  const revocation: RevocationPlan =
    completing && state
      ? { previous: state.previous ?? undefined, kept: state.kept, revoke: state.revoke }
      : planRevocations({ state, explicitPrevious, keepPrevious: plan.keepPrevious });
  report.previousTokenId = revocation.previous;
  report.kept = revocation.kept;

  const startedAt = deps.now();
  const expiresAt = new Date(startedAt.getTime() + plan.lifetimeSeconds * 1000);
  if (plan.dryRun) {
    report.outcome = 'planned';
    report.token = completing
      ? { id: completing.id, name: completing.name, expiresAt: completing.expiresAt }
      : { id: '(new)', name: plan.tokenName, expiresAt };
    report.targets = report.targets.map((t, i) => ({
      ...t,
      outcome: pre.prepared[i]?.exists ? 'would update' : 'would create'
    }));
    report.revocations = revocation.revoke.map((id) => ({ id, outcome: 'would revoke' }));
    report.leftAs = completing
      ? `Dry run: the last rotation wrote only some targets; this run would write token ${completing.id} (provider-token) to every target, then revoke.`
      : 'Dry run: nothing was created, written or revoked.';
    return report;
  }

  let token: NewToken;
  if (completing) {
    token = completing;
    log.info(`Completing the last rotation: writing token ${token.id} (provider-token) to every target`);
  } else {
    // 2. Create. Never retried blindly: a lost answer may still have minted a token.
    try {
      token = await provider.create({
        name: plan.tokenName,
        expiresAt,
        lifetimeSeconds: plan.lifetimeSeconds,
        scopes: plan.scopes
      });
    } catch (err) {
      report.errors.push(messageOf(err));
      if (err instanceof ProviderError && err.ambiguous)
        return fail(
          await revokeLostTokens(
            plan,
            deps,
            startedAt,
            [state?.tokenId, access.actingTokenId, ...revocation.kept, ...revocation.revoke],
            err.pending
          )
        );
      return fail(
        'Nothing was changed: no token was created; the secret and state still hold the previous token. Run again once the cause is fixed.'
      );
    }
    deps.mask(token.value);
    log.info(`Created token ${token.id}, expiring ${(token.expiresAt ?? expiresAt).toISOString()}`);

    // 3. Verify, allowing a moment for the new token to become usable.
    const verifyError = await verifyWithRetry(token, deps);
    if (verifyError) {
      report.errors.push(verifyError);
      return fail(await discardNewToken(token, deps, report, 'failed verification'));
    }
  }
  report.token = {
    id: token.id,
    name: token.name || plan.tokenName,
    expiresAt: token.expiresAt ?? expiresAt
  };

  // 4. Write every target at once; meanwhile read the state again to notice a concurrent run.
  const [writes, stateNow] = await Promise.all([
    Promise.allSettled(
      targets.map((t, i) => secrets.write(t, pre.prepared[i] as PreparedTarget, token.value))
    ),
    deps.state.read().then(
      (text) => ({ changed: text !== pre.stateText }),
      () => ({ changed: false })
    )
  ]);
  const failedTargets: string[] = [];
  writes.forEach((result, i) => {
    const target = report.targets[i] as TargetResult;
    if (result.status === 'fulfilled') target.outcome = result.value;
    else {
      Object.assign(target, { outcome: 'failed', error: messageOf(result.reason) });
      report.errors.push(messageOf(result.reason));
      failedTargets.push(target.label);
    }
  });
  const written = targets.length - failedTargets.length;
  if (written === 0 && !completing)
    return fail(await discardNewToken(token, deps, report, 'could not be written to any target'));
  // Some secret holds it now, so later steps may need it too.
  if (written > 0) report.tokenValue = token.value;
  log.info(`Wrote ${written} of ${targets.length} target(s)`);

  if (stateNow.changed) {
    report.errors.push(
      `The state ${deps.stateLabel} changed while this run was rotating: another rotation of the same secret ran at the same time. Give the workflow a concurrency: group so rotations never overlap.${seeDocs('faults')}.`
    );
    return fail(
      `${written} of ${targets.length} targets were written with token ${token.id}, but this run records and revokes nothing, so that it cannot undo the other run. Token ${token.id} is live and unrecorded until it expires; the next successful rotation revokes it (it carries this rotation's token-name).`
    );
  }

  // 5. Record the new token, and the IDs owed revocation, before revoking anything.
  const newState: RotationState = {
    provider: deps.providerName,
    tokenId: token.id,
    tokenName: report.token.name,
    expiresAt: report.token.expiresAt?.toISOString() ?? null,
    rotatedAt: completing && state ? state.rotatedAt : startedAt.toISOString(),
    previous: revocation.previous ?? null,
    kept: revocation.kept,
    revoke: revocation.revoke,
    incomplete: failedTargets
  };
  try {
    await deps.state.write(serializeState(newState), pre.stateExisted);
  } catch (err) {
    report.errors.push(messageOf(err));
    // Self-rotation: provider-token is the token the secrets held, so they can be put back.
    if (!completing && access.actingTokenId && access.actingTokenId === revocation.previous)
      return fail(await putBack(token, deps, pre, report));
    const previous = revocation.previous
      ? `the previous token ${revocation.previous} was NOT revoked and`
      : 'nothing was revoked; the state';
    return fail(
      `Every written target holds the new token ${token.id}, but the state could not be written: ${previous} is still what ${deps.stateLabel} records. Token ${token.id} is live but unrecorded until it expires (${newState.expiresAt ?? 'never'}). Fix the permission; the next run rotates again and revokes what the state records.`
    );
  }

  if (failedTargets.length > 0) {
    return fail(
      `${written} of ${targets.length} targets hold token ${token.id}; ${describeIds(failedTargets)} still hold the previous token, so nothing was revoked. The state records ${token.id}, the targets still to write and the IDs owed revocation (${describeIds(revocation.revoke)}). Fix the cause and re-run: when provider-token is ${token.id} (self-rotation), the re-run writes it to every target without creating another token; otherwise it rotates again. Either way it then revokes what is owed.${seeDocs('targets')}.`
    );
  }

  // 6. Revoke what is owed and sweep orphans, the acting token last so the calls before it
  //    still authenticate.
  const orphans = orphansOf(plan.tokenName, access.tokens, [
    token.id,
    ...revocation.kept,
    ...revocation.revoke
  ]);
  const revokeOne = (id: string) =>
    id === access.actingTokenId ? revokeActingToken(id, deps) : provider.revoke(id);
  for (const batch of revocationBatches([...revocation.revoke, ...orphans], access.actingTokenId)) {
    const results = await Promise.allSettled(batch.map(revokeOne));
    results.forEach((result, i) => {
      const id = batch[i] ?? '';
      const orphan = orphans.includes(id) ? { orphan: true as const } : {};
      if (result.status === 'fulfilled')
        report.revocations.push({
          id,
          outcome: result.value === 'revoked' ? 'revoked' : 'already gone',
          ...orphan
        });
      else {
        report.revocations.push({ id, outcome: 'failed', error: messageOf(result.reason), ...orphan });
        report.errors.push(messageOf(result.reason));
      }
    });
  }
  const failedRevokes = report.revocations.filter((r) => r.outcome === 'failed').map((r) => r.id);
  if (failedRevokes.length > 0)
    return fail(
      `Every target holds the new token ${token.id} and the state records it. Revoking ${describeIds(failedRevokes)} failed; the state records them as owed, and the next run revokes them.`
    );

  report.outcome = 'rotated';
  report.leftAs = completing
    ? `Completed the last rotation: every target holds token ${token.id}; the state records it.`
    : `Every target holds the new token ${token.id}; the state records it.`;
  return report;
}

/**
 * Live tokens carrying this rotation's exact name that nothing records: left by a run that
 * crashed or lost an answer. Swept only after every target holds the new token.
 */
function orphansOf(tokenName: string, live: ProviderToken[], known: string[]): string[] {
  return live.filter((t) => t.name === tokenName && !known.includes(t.id)).map((t) => t.id);
}

/**
 * Owed and kept IDs the provider no longer lists are gone already: dropping them keeps the state
 * from growing, and costs nothing, since the preflight listed the live tokens anyway.
 */
function withoutDeadTokens(state: RotationState, live: ProviderToken[]): RotationState {
  const ids = new Set(live.map((t) => t.id));
  return {
    ...state,
    kept: state.kept.filter((id) => ids.has(id)),
    revoke: state.revoke.filter((id) => ids.has(id))
  };
}
