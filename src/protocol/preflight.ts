import { seeDocs } from '../docs.js';
import type { PreparedTarget } from '../github/secrets.js';
import { providers, type NewToken, type ProviderToken } from '../providers/index.js';
import { planRevocations } from '../revocations.js';
import { parseState, type RotationState } from '../state.js';
import { successorOf } from './successor.js';
import { namedToKeep, stateProblems } from './trust.js';
import { messageOf, NOTHING_CHANGED } from './wording.js';
import type { Preflight, RotateDeps, RotationPlanInputs, RotationReport, RunPlan, Step } from './types.js';

/** Step 1: read-only and all at once. Any failure here means nothing was changed. */
export async function preflight(
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
    state,
    stateText: stateResult.value,
    stateExisted: stateResult.value !== undefined,
    prepared: targetResults.map((r) => (r as PromiseFulfilledResult<PreparedTarget>).value),
    access: accessResult.value
  };
}

/** previous-token-id names a live token the acting token can see, or fails before any change. */
function resolvePrevious(plan: RotationPlanInputs, pre: Preflight): { id?: string; problem?: string } {
  const given = plan.previousTokenId;
  if (given === undefined) return {};
  if (given === 'current') {
    if (pre.access.actingTokenId) return { id: pre.access.actingTokenId };
    return {
      problem: `previous-token-id is "current", but the token given as provider-token was not found among the tokens the provider lists. Give its ID instead.${seeDocs('inputs')}.`
    };
  }
  if (pre.access.tokens.some((t) => t.id === given)) return { id: given };
  return {
    problem: `previous-token-id: ${given} is not among the live tokens that provider-token can see, so there is nothing of that ID to replace. Check the ID (or use "current" for provider-token itself); if the token has expired or was revoked already, leave previous-token-id out.${seeDocs('inputs')}.`
  };
}

/**
 * A rotation that wrote only some targets is completed, not repeated, when the acting token is
 * the one it created (self-rotation reads it from a written secret), carries this rotation's
 * name (so a hand-edited state cannot make an admin token be written into secrets) and is not
 * yet half-spent: the missing targets get that token, and no needless new token is minted.
 */
function completionOf(plan: RotationPlanInputs, deps: RotateDeps, pre: Preflight): NewToken | undefined {
  const state = pre.state;
  if (!state || state.incomplete.length === 0 || plan.previousTokenId) return undefined;
  const acting = pre.access.tokens.find((t) => t.id === pre.access.actingTokenId);
  if (!acting || acting.id !== state.tokenId || acting.name !== plan.tokenName) return undefined;
  const expires = acting.expiresAt?.getTime() ?? (state.expiresAt ? Date.parse(state.expiresAt) : Infinity);
  if (expires - deps.now().getTime() < (plan.lifetimeSeconds * 1000) / 2) return undefined;
  return { ...acting, createdAt: null, value: deps.actingToken };
}

/**
 * Owed and kept IDs the provider no longer lists are gone already: dropping them keeps the state
 * from growing. Safe only because list() either returns every live token or fails.
 */
function withoutDeadTokens(state: RotationState, live: ProviderToken[]): RotationState {
  const ids = new Set(live.map((t) => t.id));
  return {
    ...state,
    kept: state.kept.filter((id) => ids.has(id)),
    revoke: state.revoke.filter((id) => ids.has(id))
  };
}

/** Step 2, still before any change: what this run will do, and whether the state may be trusted. */
export function resolveRun(
  plan: RotationPlanInputs,
  deps: RotateDeps,
  pre: Preflight,
  report: RotationReport
): Step<{ run: RunPlan }> {
  const nothing = { ok: false as const, leftAs: NOTHING_CHANGED };
  const previous = resolvePrevious(plan, pre);
  if (previous.problem) return (report.errors.push(previous.problem), nothing);
  const live = pre.access.tokens;
  if (pre.state) {
    const trust = {
      state: pre.state,
      tokenName: plan.tokenName,
      targetLabels: deps.targets.map((t) => t.label),
      live,
      actingTokenId: pre.access.actingTokenId,
      explicitPrevious: previous.id
    };
    const problems = stateProblems(trust, deps.stateLabel);
    if (problems.length > 0) return (report.errors.push(...problems), nothing);
  }
  const state = pre.state && withoutDeadTokens(pre.state, live);
  const successor = successorOf({
    tokenName: plan.tokenName,
    state,
    explicitPrevious: previous.id,
    live,
    actingTokenId: pre.access.actingTokenId,
    copiesPermissions: providers[deps.providerName].copiesPermissions === true,
    stateLabel: deps.stateLabel
  });
  if ('problem' in successor) return (report.errors.push(successor.problem), nothing);
  const completing = completionOf(plan, deps, { ...pre, state });
  const planned =
    completing && state
      ? { previous: state.previous ?? undefined, kept: state.kept, revoke: state.revoke }
      : planRevocations({ state, explicitPrevious: previous.id, keepPrevious: plan.keepPrevious });
  // What the complete list does not show is gone: no request for it.
  const revocation = { ...planned, revoke: planned.revoke.filter((id) => live.some((t) => t.id === id)) };
  const referenced = [revocation.previous, ...revocation.kept, ...revocation.revoke].filter(
    (id): id is string => !!id
  );
  const named = namedToKeep(state?.named ?? {}, previous.id, live, plan.tokenName, referenced);
  const startedAt = deps.now();
  const expiresAt = new Date(startedAt.getTime() + plan.lifetimeSeconds * 1000);
  return {
    ok: true,
    run: {
      state,
      explicitPrevious: previous.id,
      replacing: successor.replacing,
      completing,
      revocation,
      named,
      startedAt,
      expiresAt
    }
  };
}
