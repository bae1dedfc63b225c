import type { ProviderName } from './providers/index.js';

/**
 * What the state variable records between runs: token IDs and dates, never a token value.
 * `revoke` lists IDs whose revocation is owed; each run retries them until the provider
 * confirms they are gone (a 404 counts), so a crash or failed revoke is made good next time.
 */
export interface RotationState {
  provider: ProviderName;
  tokenId: string;
  tokenName: string;
  expiresAt: string | null;
  rotatedAt: string;
  /** The token this one replaced, if known. */
  previous: string | null;
  /** Replaced tokens left alive by keep-previous, oldest first. */
  kept: string[];
  revoke: string[];
  /** Labels of targets that do not hold tokenId yet (a partial write). */
  incomplete: string[];
}

interface StoredStateV1 {
  version: 1;
  provider: string;
  token_id: string;
  token_name: string;
  expires_at: string | null;
  rotated_at: string;
  previous?: string | null;
  kept: string[];
  revoke: string[];
  incomplete?: string[];
}

export function serializeState(state: RotationState): string {
  const stored: StoredStateV1 = {
    version: 1,
    provider: state.provider,
    token_id: state.tokenId,
    token_name: state.tokenName,
    expires_at: state.expiresAt,
    rotated_at: state.rotatedAt,
    previous: state.previous,
    kept: state.kept,
    revoke: state.revoke,
    incomplete: state.incomplete
  };
  return JSON.stringify(stored);
}

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Reads a stored state; a problem (not ours, other provider) is returned, never guessed past. */
export function parseState(
  text: string,
  provider: ProviderName
): { state: RotationState; problem?: undefined } | { state?: undefined; problem: string } {
  let stored: Partial<StoredStateV1>;
  try {
    stored = JSON.parse(text) as Partial<StoredStateV1>;
  } catch {
    return { problem: 'is not JSON written by ci-token-rotator' };
  }
  if (
    stored?.version !== 1 ||
    typeof stored.token_id !== 'string' ||
    typeof stored.provider !== 'string' ||
    !isStringList(stored.kept ?? []) ||
    !isStringList(stored.revoke ?? []) ||
    !isStringList(stored.incomplete ?? [])
  )
    return { problem: 'is not state written by ci-token-rotator (version 1)' };
  if (stored.provider !== provider)
    return {
      problem: `records a ${stored.provider} token, not ${provider}; give each rotation its own state-variable`
    };
  return {
    state: {
      provider,
      tokenId: stored.token_id,
      tokenName: stored.token_name ?? '',
      expiresAt: stored.expires_at ?? null,
      rotatedAt: stored.rotated_at ?? '',
      previous: stored.previous ?? null,
      kept: stored.kept ?? [],
      revoke: stored.revoke ?? [],
      incomplete: stored.incomplete ?? []
    }
  };
}
