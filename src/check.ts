import { seeDocs } from './docs.js';
import type { StatePort } from './github/state-store.js';
import type { Provider, ProviderName } from './providers/index.js';
import { ProviderError } from './providers/errors.js';
import { parseState } from './state.js';

export type Health = 'ok' | 'warn' | 'fail';

export interface CheckReport {
  health: Health;
  token?: { id: string; name: string; expiresAt: Date | null };
  rotatedAt?: string;
  /** What was found and what to do. */
  message: string;
}

export interface CheckDeps {
  provider: Provider;
  providerName: ProviderName;
  state: StatePort;
  stateLabel: string;
  now(): Date;
}

const DAY = 86_400_000;

const REBOOTSTRAP =
  'Re-bootstrap: create a token by hand, store it in the secret, and run the rotation once by workflow_dispatch with previous-token-id: current. GitHub disables scheduled workflows in public repositories after 60 days without repository activity, which silently stops a self-rotation chain: re-enable the workflow (Actions tab) as well.';

/**
 * The `check` mode: read-only. Is the token the state records still live, and does it outlive
 * `warnBefore`? A token that expires before the next rotation could renew it breaks every
 * workflow that uses the secret.
 */
export async function checkExpiry(warnBeforeSeconds: number, deps: CheckDeps): Promise<CheckReport> {
  const [text, access] = await Promise.all([
    deps.state.read(),
    deps.provider.checkAccess().catch((err: unknown) => {
      if (err instanceof ProviderError && err.kind === 'auth') return err;
      throw err;
    })
  ]);
  if (access instanceof ProviderError)
    return {
      health: 'fail',
      message: `${access.message} When provider-token is the rotated secret itself, its token is dead and every workflow using the secret fails. ${REBOOTSTRAP}${seeDocs('expiry')}.`
    };
  if (text === undefined)
    return {
      health: 'fail',
      message: `No rotation state in ${deps.stateLabel}: this secret has not been rotated yet (or state-variable names another variable). ${REBOOTSTRAP}${seeDocs('expiry')}.`
    };
  const parsed = parseState(text, deps.providerName);
  if (!parsed.state)
    return {
      health: 'fail',
      message: `The state ${deps.stateLabel} ${parsed.problem}.${seeDocs('howItWorks')}.`
    };
  const state = parsed.state;
  const live = access.tokens.find((t) => t.id === state.tokenId);
  const expiresAt = live?.expiresAt ?? (state.expiresAt ? new Date(state.expiresAt) : null);
  const token = { id: state.tokenId, name: state.tokenName, expiresAt };
  const rotated = state.rotatedAt ? ` It was last rotated ${state.rotatedAt}.` : '';
  if (!live)
    return {
      health: 'fail',
      token,
      rotatedAt: state.rotatedAt,
      message: `The token the secret holds, ${state.tokenId}, is no longer live (expired or revoked), so every workflow using the secret fails.${rotated} ${REBOOTSTRAP}${seeDocs('expiry')}.`
    };
  if (!expiresAt)
    return {
      health: 'ok',
      token,
      rotatedAt: state.rotatedAt,
      message: `Token ${token.id} is live and does not expire.`
    };
  const left = expiresAt.getTime() - deps.now().getTime();
  const days = (left / DAY).toFixed(1);
  if (left <= warnBeforeSeconds * 1000)
    return {
      health: 'warn',
      token,
      rotatedAt: state.rotatedAt,
      message: `Token ${token.id} expires ${expiresAt.toISOString()}, in ${days} days: sooner than warn-before. Unless a rotation runs before then, workflows using the secret will fail.${rotated} Check that the rotation workflow is enabled and succeeding, or run it now by workflow_dispatch.${seeDocs('expiry')}.`
    };
  return {
    health: 'ok',
    token,
    rotatedAt: state.rotatedAt,
    message: `Token ${token.id} is live and expires ${expiresAt.toISOString()}, in ${days} days.`
  };
}
