import { describeTarget } from './github/targets.js';
import { acquireLock, leaseCovers, lockStillOurs, releaseLock, type HeldLock } from './protocol/lock.js';
import { preflight, resolveRun } from './protocol/preflight.js';
import { newStateOf, recordState } from './protocol/record.js';
import { serializeState } from './state.js';
import { discardNewToken } from './protocol/recovery.js';
import { revokeFailedLeftAs, revokeOwed } from './protocol/revoke.js';
import { createToken, verifyToken } from './protocol/token.js';
import { settleWrites, writeTargets } from './protocol/write.js';
import { describeIds, NOTHING_CHANGED } from './protocol/wording.js';
import type { NewToken } from './providers/index.js';
import { seeDocs } from './docs.js';
import type { Preflight, RotateDeps, RotationPlanInputs, RotationReport, RunPlan } from './protocol/types.js';

export type * from './protocol/types.js';

function failed(report: RotationReport, leftAs: string): RotationReport {
  return Object.assign(report, { outcome: 'failed', leftAs });
}

function planned(
  report: RotationReport,
  plan: RotationPlanInputs,
  pre: Preflight,
  run: RunPlan
): RotationReport {
  const { completing } = run;
  report.outcome = 'planned';
  report.token = completing
    ? { id: completing.id, name: completing.name, expiresAt: completing.expiresAt }
    : { id: '(new)', name: plan.tokenName, expiresAt: run.expiresAt };
  report.targets = report.targets.map((t, i) => ({
    ...t,
    outcome: pre.prepared[i]?.exists ? 'would update' : 'would create'
  }));
  report.revocations = run.revocation.revoke.map((id) => ({ id, outcome: 'would revoke' }));
  report.leftAs = completing
    ? `Dry run: the last rotation wrote only some targets; this run would write token ${completing.id} (provider-token) to every target, then revoke.`
    : 'Dry run: nothing was created, written or revoked.';
  return report;
}

/** What a partial or ambiguous write leaves, target by target. */
function partialLeftAs(report: RotationReport, token: NewToken, run: RunPlan): string {
  const labels = (outcomes: string[]) =>
    describeIds(report.targets.filter((t) => outcomes.includes(t.outcome)).map((t) => t.label));
  const holds = labels(['created', 'updated']);
  const maybe = labels(['maybe written']);
  const old = labels(['failed', 'not written', 'put back']);
  return `Not every target is confirmed to hold the new token ${token.id}: ${holds} hold it; ${maybe} may hold it or the previous token (the write got no definite answer); ${old} still hold the previous token. Nothing was revoked, so every one of them holds a live token. The state records ${token.id}, the targets still to write and the IDs owed revocation (${describeIds(run.revocation.revoke)}). Fix the cause and re-run: when provider-token is ${token.id} (self-rotation), the re-run writes it to every target without creating another token; otherwise it rotates again. Either way it then revokes what is owed.${seeDocs('targets')}.`;
}

/**
 * The rotation protocol: preflight → plan → lock → create and verify → write every target →
 * record state → revoke → unlock. At every step each target holds a live token; a failure stops
 * the protocol where the working credential is still safe, and the report says what was left.
 */
export async function rotate(plan: RotationPlanInputs, deps: RotateDeps): Promise<RotationReport> {
  const report: RotationReport = {
    outcome: 'failed',
    dryRun: plan.dryRun,
    targets: deps.targets.map((t) => ({ label: t.label, kind: describeTarget(t), outcome: 'not written' })),
    revocations: [],
    kept: [],
    errors: [],
    leftAs: NOTHING_CHANGED
  };
  const pre = await preflight(deps, report, plan.dryRun);
  if (!pre) return failed(report, NOTHING_CHANGED);
  const resolved = resolveRun(plan, deps, pre, report);
  if (!resolved.ok) return failed(report, resolved.leftAs);
  const { run } = resolved;
  report.previousTokenId = run.revocation.previous;
  report.kept = run.revocation.kept;
  if (plan.dryRun) return planned(report, plan, pre, run);

  const lock = await acquireLock(deps.lock, deps.now, report.errors);
  if (!lock.ok) return failed(report, lock.leftAs);
  try {
    const seen: Seen = { stateTexts: [pre.stateText], overlapReported: false };
    return await explainOverlap(await rotateOwned(plan, deps, pre, run, report, lock.held, seen), deps, seen);
  } finally {
    const problem = await releaseLock(deps.lock, lock.held, deps.now);
    if (problem) deps.log.warning(problem);
  }
}

/** What a run knows of the state: the texts it read or wrote, and whether it reported an overlap. */
interface Seen {
  stateTexts: (string | undefined)[];
  overlapReported: boolean;
}

/**
 * A run that failed after taking the lock looks once more at the state (on failure only, so it
 * costs a clean run nothing): when it holds a text this run neither read nor wrote, another run
 * changed it meanwhile, the likelier cause (e.g. provider-token refused because that run rotated
 * and revoked it).
 */
async function explainOverlap(report: RotationReport, deps: RotateDeps, seen: Seen): Promise<RotationReport> {
  if (report.outcome !== 'failed' || seen.overlapReported) return report;
  const now = await deps.state.read().catch(() => seen.stateTexts[0]);
  if (!seen.stateTexts.includes(now))
    report.errors.unshift(
      `The state ${deps.stateLabel} changed while this run was rotating: another rotation of the same secret ran meanwhile, and may have replaced provider-token. Give the workflow a concurrency: group, and run again with the secret's current value.${seeDocs('faults')}.`
    );
  return report;
}

/** The steps that change things, run only by the lock's owner. */
async function rotateOwned(
  plan: RotationPlanInputs,
  deps: RotateDeps,
  pre: Preflight,
  run: RunPlan,
  report: RotationReport,
  held: HeldLock,
  seen: Seen
): Promise<RotationReport> {
  // Every way on from here writes secrets: let the sealer load while the create is in flight.
  deps.secrets.warmUp?.();
  const created = await createToken(plan, deps, pre, run, report);
  if (!created.ok) return failed(report, created.leftAs);
  const { token } = created;
  // Beside the verify, read the state and the lock again: a run that finished after this one's
  // preflight, or a hand edit, changed the state; a run that took over the same expired lock at
  // the same moment holds the lock now. Then use nothing of this run; only its own token is
  // undone. (A failed read is no evidence either way.)
  const [verified, stateNow, stillOurs] = await Promise.all([
    verifyToken(deps, run, token, report),
    deps.state.read().catch(() => pre.stateText),
    lockStillOurs(deps.lock, held)
  ]);
  if (!verified.ok) return failed(report, verified.leftAs);
  if (stateNow !== pre.stateText || !stillOurs) {
    held.lost = !stillOurs;
    seen.overlapReported = true;
    report.errors.push(
      stillOurs
        ? `The state ${deps.stateLabel} changed while this run was rotating: another rotation of the same secret ran meanwhile. Give the workflow a concurrency: group so rotations never overlap.${seeDocs('faults')}.`
        : `The rotation lock ${deps.lock.port.label} no longer holds this run's mark: another rotation of the same secret took it over meanwhile. Give the workflow a concurrency: group so rotations never overlap.${seeDocs('faults')}.`
    );
    return failed(
      report,
      run.completing
        ? NOTHING_CHANGED
        : await discardNewToken(token.id, deps, report, 'was not used, since another run rotated meanwhile')
    );
  }
  report.token = {
    id: token.id,
    name: token.name || plan.tokenName,
    expiresAt: token.expiresAt ?? run.expiresAt
  };

  const states = await writeTargets(deps, pre, token, report);
  const settled = await settleWrites(states, deps, pre, run, token, report);
  if (!settled.ok) return failed(report, settled.leftAs);
  const state = newStateOf(plan, deps, run, report, settled.incomplete);
  const text = serializeState(state);
  // A write without an answer may have stored it: this text is this run's either way.
  seen.stateTexts.push(text);
  const recorded = await recordState({ state, text }, deps, pre, run, token, report);
  if (!recorded.ok) return failed(report, recorded.leftAs);
  if (settled.incomplete.length > 0) return failed(report, partialLeftAs(report, token, run));

  if (!leaseCovers(deps.lock, held, deps.now().getTime()))
    return failed(
      report,
      `Every target holds the new token ${token.id} and the state records it, but this run has run so long that its lock is about to expire, so it revoked nothing; the next run revokes what the state owes (${describeIds(run.revocation.revoke)}).`
    );
  const failedRevokes = await revokeOwed(plan, deps, pre, run, token.id, report);
  if (failedRevokes.length > 0) return failed(report, revokeFailedLeftAs(token.id, failedRevokes));
  report.outcome = 'rotated';
  report.leftAs = run.completing
    ? `Completed the last rotation: every target holds token ${token.id}; the state records it.`
    : `Every target holds the new token ${token.id}; the state records it.`;
  return report;
}
