import { ProviderError } from '../providers/errors.js';
import type { NewToken } from '../providers/index.js';
import { discardNewToken, revokeLostTokens, verifyWithRetry } from './recovery.js';
import { messageOf } from './wording.js';
import type { Preflight, RotateDeps, RotationPlanInputs, RotationReport, RunPlan, Step } from './types.js';

const NOT_CREATED =
  'Nothing was changed: no token was created; the secret and state still hold the previous token. Run again once the cause is fixed.';

/** A create that failed: what may exist now, and what was done about it. */
async function createFailed(
  err: unknown,
  plan: RotationPlanInputs,
  deps: RotateDeps,
  pre: Preflight,
  run: RunPlan,
  report: RotationReport
): Promise<string> {
  report.errors.push(messageOf(err));
  if (err instanceof ProviderError && err.kind === 'auth')
    report.errors.push(
      'provider-token was accepted moments ago by the preflight: another run of this rotation may have just replaced and revoked it (self-rotation). Run again with the secret as it is now.'
    );
  if (!(err instanceof ProviderError && err.ambiguous)) return NOT_CREATED;
  // The answer was readable enough to name the token: revoke exactly that one.
  if (err.mintedId)
    return discardNewToken(err.mintedId, deps, report, 'was created but its answer could not be read');
  const known = [
    run.state?.tokenId,
    pre.access.actingTokenId,
    ...run.revocation.kept,
    ...run.revocation.revoke
  ];
  return revokeLostTokens(plan.tokenName, deps, run.startedAt, known, err.pending);
}

/**
 * Step 3: create the new token, or take the acting token when completing a partial rotation.
 * Create is never retried blindly: a lost answer may still have minted a token.
 */
export async function createToken(
  plan: RotationPlanInputs,
  deps: RotateDeps,
  pre: Preflight,
  run: RunPlan,
  report: RotationReport
): Promise<Step<{ token: NewToken }>> {
  if (run.completing) {
    deps.log.info(
      `Completing the last rotation: writing token ${run.completing.id} (provider-token) to every target`
    );
    return { ok: true, token: run.completing };
  }
  try {
    const token = await deps.provider.create({
      name: plan.tokenName,
      expiresAt: run.expiresAt,
      lifetimeSeconds: plan.lifetimeSeconds,
      scopes: plan.scopes,
      replacing: run.replacing
    });
    deps.mask(token.value);
    return { ok: true, token };
  } catch (err) {
    return { ok: false, leftAs: await createFailed(err, plan, deps, pre, run, report) };
  }
}

/**
 * Step 4: check the new token works (it may take a moment to become usable). From the moment a
 * token exists, any failure discards it: no target holds it yet.
 */
export async function verifyToken(
  deps: RotateDeps,
  run: RunPlan,
  token: NewToken,
  report: RotationReport
): Promise<Step<object>> {
  if (run.completing) return { ok: true };
  try {
    deps.log.info(`Created token ${token.id}, expiring ${(token.expiresAt ?? run.expiresAt).toISOString()}`);
    const verifyError = await verifyWithRetry(token, deps);
    if (verifyError === undefined) return { ok: true };
    report.errors.push(verifyError);
    return { ok: false, leftAs: await discardNewToken(token.id, deps, report, 'failed verification') };
  } catch (err) {
    report.errors.push(messageOf(err));
    return { ok: false, leftAs: await discardNewToken(token.id, deps, report, 'could not be handled') };
  }
}
