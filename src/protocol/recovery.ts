import { ProviderError } from '../providers/errors.js';
import type { NewToken, ProviderToken } from '../providers/index.js';
import type { PreparedTarget } from '../github/secrets.js';
import { describeIds, messageOf } from './wording.js';
import type { Preflight, RotateDeps, RotationReport, TargetResult } from './types.js';

// What the protocol does when a step fails or its answer is lost: undo, confirm, or clean up.

const NEW_TOKEN_GRACE_MS = 5 * 60_000;
/** When to list tokens after a create timed out: at once, then twice more as it may land late. */
const LOST_TOKEN_LOOKS_MS = [0, 2000, 5000];

/**
 * Self-rotation: provider-token is the previous token, so its value is known. Write it back to
 * the targets given (those that hold or may hold the new token). Returns the labels that could
 * not be confirmed put back: they may still hold the new token.
 */
export async function putBack(
  indices: number[],
  deps: RotateDeps,
  pre: Preflight,
  report: RotationReport
): Promise<string[]> {
  const results = await Promise.allSettled(
    indices.map((i) =>
      deps.secrets.write(deps.targets[i]!, pre.prepared[i] as PreparedTarget, deps.actingToken)
    )
  );
  const stuck: string[] = [];
  indices.forEach((i, n) => {
    const target = report.targets[i] as TargetResult;
    if (results[n]?.status === 'fulfilled') target.outcome = 'put back';
    else stuck.push(target.label);
  });
  return stuck;
}

/**
 * Revoking provider-token with itself: a retry after a lost answer authenticates with the token
 * the first try revoked and is refused. When refused as a credential, check the token: if it no
 * longer authenticates at all, it is gone, which is what was asked.
 */
export async function revokeActingToken(id: string, deps: RotateDeps): Promise<'revoked' | 'already-gone'> {
  try {
    return await deps.provider.revoke(id);
  } catch (err) {
    if (!(err instanceof ProviderError && err.kind === 'auth')) throw err;
    const acting: NewToken = { id, name: '', createdAt: null, expiresAt: null, value: deps.actingToken };
    const dead = await deps.provider.verify(acting).then(
      () => false,
      (verifyErr: unknown) => verifyErr instanceof ProviderError && verifyErr.kind === 'auth'
    );
    if (dead) return 'already-gone';
    throw err;
  }
}

export async function verifyWithRetry(token: NewToken, deps: RotateDeps): Promise<string | undefined> {
  const attempts = deps.verifyAttempts ?? 3;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await deps.provider.verify(token);
      return undefined;
    } catch (err) {
      last = messageOf(err);
      if (attempt < attempts) await deps.sleep(1000 * attempt);
    }
  }
  return last;
}

/** The new token is unusable or held by no target: revoke it so it is not left behind. */
export async function discardNewToken(
  id: string,
  deps: RotateDeps,
  report: RotationReport,
  why: string
): Promise<string> {
  try {
    const outcome = await deps.provider.revoke(id);
    report.revocations.push({ id, outcome: outcome === 'revoked' ? 'revoked' : 'already gone' });
    return `The new token ${id} ${why}; it was revoked. The secret and state still hold the previous token; run again once the cause is fixed.`;
  } catch (err) {
    report.revocations.push({ id, outcome: 'failed', error: messageOf(err) });
    report.errors.push(messageOf(err));
    return `The new token ${id} ${why}; revoking it failed too, so it stays live until the next successful rotation revokes it (it carries this rotation's token-name). The secret and state still hold the previous token; run again once the cause is fixed.`;
  }
}

/**
 * After an ambiguous create (no answer, or a 5xx), a token may exist that nobody holds. Find
 * tokens carrying this rotation's name that appeared since the attempt and revoke them.
 */
export async function revokeLostTokens(
  tokenName: string,
  deps: RotateDeps,
  startedAt: Date,
  knownIds: (string | null | undefined)[],
  pending: boolean
): Promise<string> {
  const known = new Set(knownIds.filter((id): id is string => !!id));
  const isLost = (t: ProviderToken) =>
    t.name === tokenName &&
    !known.has(t.id) &&
    (t.createdAt === null || t.createdAt.getTime() >= startedAt.getTime() - NEW_TOKEN_GRACE_MS);
  let lost: ProviderToken[] = [];
  try {
    // After a timeout the provider may still be minting it: look again a little later.
    for (const wait of pending ? LOST_TOKEN_LOOKS_MS : [0]) {
      await deps.sleep(wait);
      lost = (await deps.provider.list()).filter(isLost);
      if (lost.length > 0) break;
    }
  } catch (err) {
    return `Creating the token got no clear answer, and listing tokens to check failed (${messageOf(err)}): a token named "${tokenName}" may exist that no secret holds; the next successful rotation revokes it (it carries this rotation's token-name). The secret and state still hold the previous token; run again.`;
  }
  const results = await Promise.allSettled(lost.map((t) => deps.provider.revoke(t.id)));
  const failed = lost.filter((_, i) => results[i]?.status === 'rejected').map((t) => t.id);
  const found =
    lost.length === 0
      ? 'no token was left behind'
      : `token(s) ${describeIds(lost.map((t) => t.id))} created by the lost request were found`;
  const fate = failed.length
    ? `; revoking ${describeIds(failed)} failed (the next successful rotation revokes them)`
    : lost.length
      ? ' and revoked'
      : '';
  return `Creating the token got no clear answer; ${found}${fate}. The secret and state still hold the previous token; run again.`;
}
