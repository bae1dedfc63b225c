import type { Sleep } from '../http.js';
import type { PreparedTarget, SecretsPort, WriteResult } from '../github/secrets.js';
import type { SecretTarget } from '../github/targets.js';
import type { StatePort } from '../github/state-store.js';
import type { RotationLock } from './lock.js';
import type { AccessCheck, NewToken, Provider, ProviderName } from '../providers/index.js';
import type { RevocationPlan } from '../revocations.js';
import type { RotationState } from '../state.js';

// The types the protocol's steps hand each other, in one module so steps never import each other.

export interface RotationPlanInputs {
  tokenName: string;
  lifetimeSeconds: number;
  scopes?: string;
  keepPrevious: number;
  /** An ID, or `current` for the token given as provider-token. */
  previousTokenId?: string;
  dryRun: boolean;
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

export interface RotateDeps {
  provider: Provider;
  providerName: ProviderName;
  secrets: SecretsPort;
  targets: SecretTarget[];
  state: StatePort;
  /** How the state is named in messages, e.g. `variable X_TOKEN_STATE in octo/app`. */
  stateLabel: string;
  /** One rotation, one owner: held from before the first change to after the last. */
  lock: RotationLock;
  now(): Date;
  sleep: Sleep;
  log: Logger;
  /** The provider-token value (already masked): a re-run completing a partial rotation writes it. */
  actingToken: string;
  /** Called the instant a token value exists, before anything can print it. */
  mask(value: string): void;
  /** Attempts to verify the new token (it may take a moment to become usable). */
  verifyAttempts?: number;
}

export type TargetOutcome =
  WriteResult | 'failed' | 'maybe written' | 'not written' | 'would create' | 'would update' | 'put back';
export interface TargetResult {
  label: string;
  /** "repository secret", "environment secret", … */
  kind: string;
  outcome: TargetOutcome;
  error?: string;
}

export type RevokeOutcome = 'revoked' | 'already gone' | 'failed' | 'would revoke';
export interface RevokeResult {
  id: string;
  outcome: RevokeOutcome;
  error?: string;
  /** A live token carrying this rotation's name that nothing recorded (left by a crashed run). */
  orphan?: true;
}

export interface TokenSummary {
  id: string;
  name: string;
  expiresAt: Date | null;
}

export interface RotationReport {
  outcome: 'rotated' | 'planned' | 'failed';
  dryRun: boolean;
  token?: TokenSummary;
  /** Only for the `token` output, once some target holds it; already masked. */
  tokenValue?: string;
  previousTokenId?: string;
  targets: TargetResult[];
  revocations: RevokeResult[];
  /** Replaced tokens left alive by keep-previous. */
  kept: string[];
  /** What went wrong, in order. Empty when the rotation completed. */
  errors: string[];
  /** Where things were left and what the next run does. */
  leftAs: string;
}

/** What the read-only first step learnt. */
export interface Preflight {
  /** The state as read and checked, with IDs the provider no longer lists dropped. */
  state?: RotationState;
  /** The state variable as read, to notice another run changing it meanwhile. */
  stateText?: string;
  stateExisted: boolean;
  prepared: PreparedTarget[];
  access: AccessCheck;
}

/** What this run is going to do, decided before any change. */
export interface RunPlan {
  /** The state as checked, with IDs the provider no longer lists dropped. */
  state?: RotationState;
  /** previous-token-id with `current` resolved. */
  explicitPrevious?: string;
  /** The live token the new one succeeds, whose permissions it copies (successor.ts). */
  replacing: string | null;
  /** Set when this run completes a partial rotation with the acting token instead of minting. */
  completing?: NewToken;
  revocation: RevocationPlan;
  /** Workflow-named tokens to remember (see RotationState.named). */
  named: Record<string, string>;
  startedAt: Date;
  expiresAt: Date;
}

/** How each target ended the write step. */
export type WriteState = 'written' | 'refused' | 'maybe';

/** A step either goes on, or says where it left things (the report already holds the errors). */
export type Step<T> = ({ ok: true } & T) | { ok: false; leftAs: string };
