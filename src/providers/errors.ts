import { seeDocs, type DocsSection } from '../docs.js';
import { HttpError, NetworkError, snippet, type HttpClient, type HttpRequest } from '../http.js';
import { MalformedAnswer } from './answers.js';

export type ProviderErrorKind = 'auth' | 'permission' | 'not-found' | 'quota' | 'rejected' | 'unavailable';

/** A provider failure, worded for the user, prefixed with the provider's name. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    /** True when a state-changing request may have taken effect despite the error. */
    readonly ambiguous = false,
    /** True when the server may still be acting on it (the client timed out waiting). */
    readonly pending = false,
    /** The ID of a token the failed request minted all the same: revoke exactly that one. */
    readonly mintedId?: string
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface ErrorWording {
  label: string;
  /** Pulls the service's own message out of its error body. */
  messageOf(body: unknown): string | undefined;
  /** The acting credential was refused (invalid, expired, revoked). */
  isAuthFailure(err: HttpError): boolean;
  authHint: string;
  /** The README section on this provider's credentials. */
  docs: DocsSection;
}

/** Turns a client error into a ProviderError that says what failed and what to check. */
export function providerError(wording: ErrorWording, action: string, err: unknown): ProviderError {
  const { label } = wording;
  if (err instanceof ProviderError) return err;
  if (err instanceof MalformedAnswer) return unexpected(label, action, err.message);
  if (err instanceof NetworkError) {
    return new ProviderError(
      `${label}: ${action} failed: ${err.message}. The provider API could not be reached; check provider-url and the runner's network (proxy: HTTPS_PROXY, NO_PROXY).${seeDocs('troubleshooting')}.`,
      'unavailable',
      err.method === 'POST',
      err.method === 'POST' && err.timedOut
    );
  }
  if (err instanceof HttpError) {
    // The body is redacted already (http.ts); a message cut like the raw body, whatever its type.
    const message = wording.messageOf(err.body);
    const said = typeof message === 'string' && message !== '' ? snippet(message) : err.bodyText;
    const what = `${label}: ${action} failed with HTTP ${err.status}${said ? ` (${said})` : ''}`;
    const hint = `${wording.authHint}${seeDocs(wording.docs)}.`;
    if (wording.isAuthFailure(err)) return new ProviderError(`${what}. ${hint}`, 'auth');
    if (err.status === 404) return new ProviderError(`${what}.`, 'not-found');
    if (err.status === 429)
      return new ProviderError(`${what}. The provider is rate limiting; try again later.`, 'unavailable');
    if (err.status >= 500)
      return new ProviderError(
        `${what}. The provider had a server error; try again later.`,
        'unavailable',
        true
      );
    if (err.status === 403) return new ProviderError(`${what}. ${hint}`, 'permission');
    return new ProviderError(`${what}.`, 'rejected');
  }
  return new ProviderError(`${label}: ${action} failed: ${String(err)}`, 'rejected');
}

/** The response had an unexpected shape: fail clearly instead of writing `undefined` somewhere. */
export function unexpected(label: string, action: string, detail: string): ProviderError {
  return new ProviderError(`${label}: ${action}: unexpected response (${detail}).`, 'rejected');
}

/**
 * A create answered with success but without what we need: the token was minted all the same, so
 * the error is ambiguous. With its ID readable (`mintedId`) the rotation revokes exactly that token;
 * without, it looks for it by name.
 */
export function unreadableCreate(label: string, detail: string, mintedId?: string): ProviderError {
  const which = mintedId === undefined ? '' : `; the token ${mintedId} was minted`;
  return new ProviderError(
    `${label}: creating a token: unexpected response (${detail}${which}).`,
    'rejected',
    true,
    false,
    mintedId
  );
}

/**
 * Reads a create answer in two steps: its ID first, then the rest (value, dates), so a failure
 * in the rest still names the token that was minted.
 */
export function readCreated<T>(label: string, readId: () => string, readRest: (id: string) => T): T {
  let id: string;
  try {
    id = readId();
  } catch (err) {
    if (err instanceof MalformedAnswer) throw unreadableCreate(label, err.message);
    throw err;
  }
  try {
    return readRest(id);
  } catch (err) {
    if (err instanceof MalformedAnswer) throw unreadableCreate(label, err.message, id);
    throw err;
  }
}

/** What a provider's token IDs look like (its spec's idPattern and idDescription). */
export interface IdForm {
  idPattern: RegExp;
  idDescription: string;
}

/** An ID from the state or an input is untrusted: one not of the provider's form is never sent. */
function refusedId(label: string, form: IdForm, id: string): ProviderError {
  const shown = id.length <= 64 ? JSON.stringify(id) : `an ID of ${id.length} characters`;
  return new ProviderError(
    `${label}: revoking token ${shown} refused: it is not ${form.idDescription}; nothing was sent.`,
    'rejected'
  );
}

const isNotFound = (err: HttpError) => err.status === 404;

/**
 * Every provider's revoke: the request, with 404 (or what `isGone` says the provider answers for
 * an unknown ID) meaning the token is already gone.
 */
export async function revokeWith(
  http: HttpClient,
  wording: ErrorWording,
  form: IdForm,
  id: string,
  request: HttpRequest,
  isGone: (err: HttpError) => boolean = isNotFound
): Promise<'revoked' | 'already-gone'> {
  if (!form.idPattern.test(id)) throw refusedId(wording.label, form, id);
  try {
    await http.send(request);
    return 'revoked';
  } catch (err) {
    if (err instanceof HttpError && isGone(err)) return 'already-gone';
    throw providerError(wording, `revoking token ${id}`, err);
  }
}
