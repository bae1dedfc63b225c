import type { RotationState } from './state.js';

export interface RevocationPlan {
  /** The token being replaced: the one the secret held, if known. */
  previous?: string;
  /** Replaced tokens left alive by keep-previous after this rotation, oldest first. */
  kept: string[];
  /** IDs to revoke once every target holds the new token. */
  revoke: string[];
}

export interface RevocationInput {
  state?: RotationState;
  /** previous-token-id, with `current` already resolved to an ID. */
  explicitPrevious?: string;
  keepPrevious: number;
}

const unique = (ids: (string | undefined)[]) => [...new Set(ids.filter((id): id is string => !!id))];

/**
 * Which tokens to keep and which to revoke. previous-token-id takes the place of the recorded
 * token as "the previous one"; the recorded token, if different, is revoked as well, since the
 * secret will no longer hold it.
 */
export function planRevocations({ state, explicitPrevious, keepPrevious }: RevocationInput): RevocationPlan {
  const recorded = state?.tokenId;
  const previous = explicitPrevious ?? recorded;
  const replacedRecord = explicitPrevious && recorded && recorded !== explicitPrevious ? [recorded] : [];
  const candidates = unique([...(state?.kept ?? []), previous]);
  const overflow = Math.max(0, candidates.length - keepPrevious);
  const kept = candidates.slice(overflow);
  const revoke = unique([
    ...(state?.revoke ?? []),
    ...replacedRecord,
    ...candidates.slice(0, overflow)
  ]).filter((id) => !kept.includes(id));
  return { previous, kept, revoke };
}

/**
 * Revocation order: the acting token (provider-token) last, so the calls before it still
 * authenticate. Returns the batches to run one after another.
 */
export function revocationBatches(ids: string[], actingTokenId: string | null): string[][] {
  if (!actingTokenId || !ids.includes(actingTokenId) || ids.length === 1) return ids.length ? [ids] : [];
  return [ids.filter((id) => id !== actingTokenId), [actingTokenId]];
}
