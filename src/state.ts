import { providers, type ProviderName } from './providers/index.js';

/**
 * What the state variable records between runs: token IDs and dates, never a token value.
 * `revoke` lists IDs whose revocation is owed; each run retries them until the provider
 * confirms they are gone (a 404 counts), so a crash or failed revoke is made good next time.
 *
 * The variable is input like any other: anyone with Actions-variables access can edit it, so
 * parseState() checks every field's form, and the protocol (protocol/trust.ts) checks what it
 * asks for against the provider's live tokens before acting on it.
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
  /** Labels of targets that do not hold tokenId yet (a partial or ambiguous write). */
  incomplete: string[];
  /** Labels of every target of the rotation (absent in states written before 0.2). */
  targets?: string[];
  /**
   * Tokens the workflow named by previous-token-id that do not carry the rotation's token-name
   * (the bootstrap token), with the name they had then: only these may be revoked by a later run.
   */
  named: Record<string, string>;
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
  targets?: string[];
  named?: Record<string, string>;
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
    incomplete: state.incomplete,
    ...(state.targets ? { targets: state.targets } : {}),
    ...(Object.keys(state.named).length > 0 ? { named: state.named } : {})
  };
  return JSON.stringify(stored);
}

/** Far beyond any real rotation; a longer list is not ours. */
const MAX_LIST = 100;
/** Target labels: one per secret written, as many as `repositories` allows (inputs.ts). */
export const MAX_TARGETS = 1000;
const MAX_TEXT = 300;

type ParseResult = { state: RotationState; problem?: undefined } | { state?: undefined; problem: string };

const isText = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_TEXT;
const isTextList = (value: unknown, max = MAX_LIST): value is string[] =>
  Array.isArray(value) && value.length <= max && value.every(isText);
const isDateOrNull = (value: unknown) =>
  value === null || value === undefined || (isText(value) && !Number.isNaN(Date.parse(value)));

/** The first field whose form is wrong, or undefined. IDs must have the provider's ID form. */
function badField(stored: Partial<StoredStateV1>, isId: (id: unknown) => boolean): string | undefined {
  if (!isId(stored.token_id)) return 'token_id';
  if (stored.previous !== null && stored.previous !== undefined && !isId(stored.previous)) return 'previous';
  for (const field of ['kept', 'revoke'] as const) {
    const list = stored[field] ?? [];
    if (!isTextList(list) || !list.every(isId)) return field;
  }
  for (const field of ['incomplete', 'targets'] as const)
    if (stored[field] !== undefined && !isTextList(stored[field], MAX_TARGETS)) return field;
  const named = stored.named ?? {};
  if (typeof named !== 'object' || Array.isArray(named) || named === null) return 'named';
  if (Object.entries(named).some(([id, name]) => !isId(id) || !isText(name))) return 'named';
  if (stored.token_name !== undefined && !isText(stored.token_name)) return 'token_name';
  if (!isDateOrNull(stored.expires_at)) return 'expires_at';
  if (stored.rotated_at !== undefined && !isText(stored.rotated_at)) return 'rotated_at';
  return undefined;
}

/** Reads a stored state; a problem (not ours, other provider, a field of the wrong form) is returned, never guessed past. */
export function parseState(text: string, provider: ProviderName): ParseResult {
  let stored: Partial<StoredStateV1>;
  try {
    stored = JSON.parse(text) as Partial<StoredStateV1>;
  } catch {
    return { problem: 'is not JSON written by ci-token-rotator' };
  }
  if (
    stored === null ||
    typeof stored !== 'object' ||
    stored.version !== 1 ||
    typeof stored.provider !== 'string'
  )
    return { problem: 'is not state written by ci-token-rotator (version 1)' };
  if (stored.provider !== provider)
    return {
      problem: `records a ${stored.provider} token, not ${provider}; give each rotation its own state-variable`
    };
  const pattern = providers[provider].idPattern;
  const bad = badField(stored, (id) => typeof id === 'string' && pattern.test(id));
  if (bad)
    return {
      problem: `has a field "${bad}" that is not what ci-token-rotator writes (token IDs must be ${providers[provider].idDescription}); it may have been edited by hand`
    };
  return {
    state: {
      provider,
      tokenId: stored.token_id as string,
      tokenName: stored.token_name ?? '',
      expiresAt: stored.expires_at ?? null,
      rotatedAt: stored.rotated_at ?? '',
      previous: stored.previous ?? null,
      kept: stored.kept ?? [],
      revoke: stored.revoke ?? [],
      incomplete: stored.incomplete ?? [],
      ...(stored.targets ? { targets: stored.targets } : {}),
      named: stored.named ?? {}
    }
  };
}
