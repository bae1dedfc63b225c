import { seeDocs } from '../docs.js';
import type { ProviderToken } from '../providers/index.js';
import type { RotationState } from '../state.js';

export interface SuccessorInput {
  tokenName: string;
  /** The state as checked (trust.ts), if any. */
  state?: RotationState;
  /** previous-token-id resolved: live, named by the workflow. */
  explicitPrevious?: string;
  live: ProviderToken[];
  actingTokenId: string | null;
  /** The provider copies the replaced token's permissions onto the new one (Cloudflare, Heroku). */
  copiesPermissions: boolean;
  stateLabel: string;
}

/**
 * The token the new one succeeds (CreateRequest.replacing), always a live one: previous-token-id;
 * else the state's current token; else the acting token when it is this rotation's (a
 * self-rotation whose state fell behind its secret). Null on a first run: the provider copies the
 * acting token's. A chain whose last token is gone is refused where permissions are copied, so
 * an admin provider-token's are never passed on in its place.
 */
export function successorOf(input: SuccessorInput): { replacing: string | null } | { problem: string } {
  const isLive = (id: string | undefined) => id !== undefined && input.live.some((t) => t.id === id);
  if (input.explicitPrevious) return { replacing: input.explicitPrevious };
  const current = input.state?.tokenId;
  if (current && isLive(current)) return { replacing: current };
  const acting = input.live.find((t) => t.id === input.actingTokenId);
  if (acting && acting.name === input.tokenName) return { replacing: acting.id };
  if (!current || !input.copiesPermissions) return { replacing: null };
  return {
    problem: `The state ${input.stateLabel} records token ${current} as the current one, but it is no longer live, and provider-token is not a token of this rotation: the new token would get provider-token's permissions instead of its predecessor's. Run once with previous-token-id naming the live token whose permissions the new one should have (it is revoked once replaced).${seeDocs('howItWorks')}.`
  };
}
