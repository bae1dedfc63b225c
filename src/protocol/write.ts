import { maybeWritten, type PreparedTarget } from '../github/secrets.js';
import type { NewToken } from '../providers/index.js';
import { discardNewToken, putBack } from './recovery.js';
import { describeIds, messageOf } from './wording.js';
import type {
  Preflight,
  RotateDeps,
  RotationReport,
  RunPlan,
  Step,
  TargetResult,
  WriteState
} from './types.js';

/**
 * Step 4: seal and write the token to every target at once. Each ends `written`, `refused` (a
 * definite 4xx: the target still holds what it held) or `maybe` (no definite answer: it may hold
 * either token, so neither may be revoked).
 */
export async function writeTargets(
  deps: RotateDeps,
  pre: Preflight,
  token: NewToken,
  report: RotationReport
): Promise<WriteState[]> {
  const writes = await Promise.allSettled(
    deps.targets.map((t, i) => deps.secrets.write(t, pre.prepared[i] as PreparedTarget, token.value))
  );
  return writes.map((result, i) => {
    const target = report.targets[i] as TargetResult;
    if (result.status === 'fulfilled') {
      target.outcome = result.value;
      return 'written';
    }
    const maybe = maybeWritten(result.reason);
    Object.assign(target, { outcome: maybe ? 'maybe written' : 'failed', error: messageOf(result.reason) });
    report.errors.push(messageOf(result.reason));
    return maybe ? 'maybe' : 'refused';
  });
}

const indicesOf = (states: WriteState[], wanted: WriteState[]) =>
  states.flatMap((s, i) => (wanted.includes(s) ? [i] : []));

/** Self-rotation: provider-token is the token the targets held, so it can be written back. */
export const isSelfRotation = (pre: Preflight, run: RunPlan) =>
  !run.completing && !!pre.access.actingTokenId && pre.access.actingTokenId === run.revocation.previous;

/**
 * Step 5: decide what the writes leave. No target may hold the new token: discard it. A target
 * may hold it without a definite answer in a self-rotation: put the previous token back, and
 * discard the new one only once every put-back is confirmed. Otherwise go on; the targets not
 * confirmed are recorded as incomplete, and nothing is revoked until a run writes them all.
 */
export async function settleWrites(
  states: WriteState[],
  deps: RotateDeps,
  pre: Preflight,
  run: RunPlan,
  token: NewToken,
  report: RotationReport
): Promise<Step<{ incomplete: number[] }>> {
  const mayHold = indicesOf(states, ['written', 'maybe']);
  if (mayHold.length === 0 && !run.completing)
    return {
      ok: false,
      leftAs: await discardNewToken(token.id, deps, report, 'could not be written to any target')
    };
  if (mayHold.length > 0) report.tokenValue = token.value;
  deps.log.info(`Wrote ${indicesOf(states, ['written']).length} of ${states.length} target(s)`);
  if (!states.includes('maybe') || !isSelfRotation(pre, run))
    return { ok: true, incomplete: indicesOf(states, ['refused', 'maybe']) };
  const stuck = await putBack(mayHold, deps, pre, report);
  if (stuck.length > 0) {
    deps.log.warning(
      `Putting the previous token back failed for ${describeIds(stuck)}; recording the new token`
    );
    // None is confirmed to hold the new token any more: every target is still to write.
    return { ok: true, incomplete: states.map((_, i) => i) };
  }
  report.tokenValue = undefined;
  return {
    ok: false,
    leftAs: await discardNewToken(
      token.id,
      deps,
      report,
      'got no definite answer from a write, so every secret it may have reached was put back to the previous token'
    )
  };
}
