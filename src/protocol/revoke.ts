import type { ProviderToken } from '../providers/index.js';
import { revocationBatches } from '../revocations.js';
import { revokeActingToken } from './recovery.js';
import { describeIds, messageOf } from './wording.js';
import type { Preflight, RotateDeps, RotationPlanInputs, RotationReport, RunPlan } from './types.js';

/**
 * Live tokens carrying this rotation's exact name that nothing records: left by a run that
 * crashed or lost an answer. Only the lock's owner sweeps, and only tokens the preflight listed
 * (before it took the lock), so a token another run is still writing is never among them.
 */
export function orphansOf(tokenName: string, live: ProviderToken[], known: string[]): string[] {
  return live.filter((t) => t.name === tokenName && !known.includes(t.id)).map((t) => t.id);
}

/**
 * Step 7: revoke what is owed and sweep orphans, the acting token last so the calls before it
 * still authenticate. Returns the IDs whose revocation failed (the state owes them still).
 */
export async function revokeOwed(
  plan: RotationPlanInputs,
  deps: RotateDeps,
  pre: Preflight,
  run: RunPlan,
  newTokenId: string,
  report: RotationReport
): Promise<string[]> {
  const { actingTokenId, tokens } = pre.access;
  const owed = run.revocation.revoke;
  const orphans = orphansOf(plan.tokenName, tokens, [newTokenId, ...run.revocation.kept, ...owed]);
  const revokeOne = (id: string) =>
    id === actingTokenId ? revokeActingToken(id, deps) : deps.provider.revoke(id);
  for (const batch of revocationBatches([...owed, ...orphans], actingTokenId)) {
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
  return report.revocations.filter((r) => r.outcome === 'failed').map((r) => r.id);
}

export const revokeFailedLeftAs = (tokenId: string, failed: string[]) =>
  `Every target holds the new token ${tokenId} and the state records it. Revoking ${describeIds(failed)} failed; the state records them as owed, and the next run revokes them.`;
