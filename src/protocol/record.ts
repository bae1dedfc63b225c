import type { NewToken } from '../providers/index.js';
import type { RotationState } from '../state.js';
import { discardNewToken, putBack } from './recovery.js';
import { isSelfRotation } from './write.js';
import { describeIds, messageOf } from './wording.js';
import type { Preflight, RotateDeps, RotationPlanInputs, RotationReport, RunPlan, Step } from './types.js';

export function newStateOf(
  plan: RotationPlanInputs,
  deps: RotateDeps,
  run: RunPlan,
  report: RotationReport,
  incomplete: number[]
): RotationState {
  const token = report.token as NonNullable<RotationReport['token']>;
  return {
    provider: deps.providerName,
    tokenId: token.id,
    tokenName: plan.tokenName,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    rotatedAt: run.completing && run.state ? run.state.rotatedAt : run.startedAt.toISOString(),
    previous: run.revocation.previous ?? null,
    kept: run.revocation.kept,
    revoke: run.revocation.revoke,
    incomplete: incomplete.map((i) => deps.targets[i]?.label ?? ''),
    targets: deps.targets.map((t) => t.label),
    named: run.named
  };
}

/** Self-rotation: the state could not record the new token, so put every target back and discard it. */
async function undoUnrecorded(token: NewToken, deps: RotateDeps, pre: Preflight, report: RotationReport) {
  const touched = report.targets.flatMap((t, i) =>
    ['created', 'updated', 'maybe written'].includes(t.outcome) ? [i] : []
  );
  const stuck = await putBack(touched, deps, pre, report);
  if (stuck.length > 0)
    return `The state could not be written, and putting the previous token back failed for ${describeIds(stuck)}, which may hold the new token ${token.id}: it stays live (it carries this rotation's token-name; the next successful rotation revokes it once no secret holds it). The state still records the previous token, which was not revoked. Fix the permission and run again.`;
  report.tokenValue = undefined;
  return discardNewToken(
    token.id,
    deps,
    report,
    'could not be recorded in the state, so every secret was put back to the previous token'
  );
}

/**
 * Step 6: record the new token and the IDs owed revocation, before revoking anything.
 * `state` is newStateOf()'s and `text` its serialisation, which the caller keeps to tell its own
 * write from another run's.
 */
export async function recordState(
  { state, text }: { state: RotationState; text: string },
  deps: RotateDeps,
  pre: Preflight,
  run: RunPlan,
  token: NewToken,
  report: RotationReport
): Promise<Step<object>> {
  try {
    await deps.state.write(text, pre.stateExisted);
    return { ok: true };
  } catch (err) {
    report.errors.push(messageOf(err));
    if (isSelfRotation(pre, run))
      return { ok: false, leftAs: await undoUnrecorded(token, deps, pre, report) };
    const previous = run.revocation.previous
      ? `the previous token ${run.revocation.previous} was NOT revoked and`
      : 'nothing was revoked; the state';
    return {
      ok: false,
      leftAs: `The targets written hold the new token ${token.id}, but the state could not be written: ${previous} is still what ${deps.stateLabel} records. Token ${token.id} is live and unrecorded until it expires (${state.expiresAt ?? 'never'}), and nothing was revoked. Fix the permission; the next run rotates again and revokes what the state records.`
    };
  }
}
