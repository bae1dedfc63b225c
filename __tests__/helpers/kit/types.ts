/**
 * What the shared suites (provider contract, hostile answers, fault injection, rotation protocol)
 * need to know of one provider: one file per provider in this folder, listed in ./index.ts.
 * Adding a provider adds one such file; the suites then run it with the others.
 */
import type { ProviderName, TokenOwner } from '../../../src/providers/index.js';
import type { LoggedRequest, ProviderSim, SimOptions } from '../../../sim/index.js';

/** A path into a JSON answer: keys and array indexes. `[]` is the answer itself. */
export type JsonPath = (string | number)[];

/** A provider call that reads an answer's body, and the request whose answer it reads. */
export interface KitRead {
  call: 'list' | 'checkAccess' | 'verify' | 'create';
  method: string;
  /** Exact pathname, as the simulator logs it. */
  path: string;
}

export interface ProviderKit {
  name: ProviderName;
  start(opts?: SimOptions): Promise<ProviderSim>;
  /** Headers every request to this API carries (Heroku's versioned Accept), for raw requests. */
  headers?: Record<string, string>;
  /** The request that mints a token. */
  create: { method: string; path: string };
  /** The new token's verify request; `skip` = how many of the same request a run sends before it. */
  verify: { method: string; path: string; skip: number };
  /** The request that revokes a token. */
  revoke: { method: string; path: RegExp };
  /** The ID a logged request revokes, or undefined if it is no revoke. */
  revokedIdOf(r: LoggedRequest): string | undefined;
  /** The list request, and where its answer holds the tokens (`[]`: the body is the array). */
  list: { path: string; array: JsonPath; id: JsonPath };
  /** Every answer whose body the client reads. */
  reads: KitRead[];
  /** Where the create answer holds the minted token's ID, and its expiry. */
  createdId: JsonPath;
  expiry: JsonPath;
  /** A listed ID that is not of the provider's form (a value of the wrong type counts). */
  malformedListedId: unknown;
  /** A well-formed ID that no token has. */
  unknownId: string;
  /** The answer to an unknown or revoked bearer, as the service gives it. */
  authFailure: { status: number; body: unknown };
  /** The provider's error body carrying `message` where its client reads the message. */
  errorBody(status: number, message: string): unknown;
  /** Plan inputs a rotation of this provider needs in the shared suites (Linode: scopes). */
  plan?: { scopes?: string };
  /**
   * Where tokens carry their own permissions: a token narrower than a hand-made one (a deploy
   * token beside an admin), and what a token holds, to check a successor copies its predecessor.
   */
  permissions?: {
    issueNarrow(sim: ProviderSim, name: string): { id: string; value: string };
    of(sim: ProviderSim, id: string): unknown;
  };
  /** token-owner for the shared suites' runs, if any (e.g. to run the account family too). */
  owner?: TokenOwner;
}
