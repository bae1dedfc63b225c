import { seeDocs, type DocsSection } from '../docs.js';
import { HttpError, NetworkError, type HttpClient, type HttpRequest } from '../http.js';

export type ProviderErrorKind = 'auth' | 'permission' | 'not-found' | 'quota' | 'rejected' | 'unavailable';

/** A provider failure, worded for the user, prefixed with the provider's name. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    /** True when a state-changing request may have taken effect despite the error. */
    readonly ambiguous = false,
    /** True when the server may still be acting on it (the client timed out waiting). */
    readonly pending = false
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
  if (err instanceof NetworkError) {
    return new ProviderError(
      `${label}: ${action} failed: ${err.message}. The provider API could not be reached; check provider-url and the runner's network (proxy: HTTPS_PROXY, NO_PROXY).${seeDocs('troubleshooting')}.`,
      'unavailable',
      err.method === 'POST',
      err.method === 'POST' && err.timedOut
    );
  }
  if (err instanceof HttpError) {
    const said = wording.messageOf(err.body) ?? err.bodyText;
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
 * A create answered with success but without what we need: the token was minted all the same,
 * so the error is ambiguous and the rotation looks for it by name to revoke it.
 */
export function unreadableCreate(label: string, detail: string): ProviderError {
  return new ProviderError(`${label}: creating a token: unexpected response (${detail}).`, 'rejected', true);
}

/** Every provider's revoke: the request, with 404 meaning the token is already gone. */
export async function revokeWith(
  http: HttpClient,
  wording: ErrorWording,
  id: string,
  request: HttpRequest
): Promise<'revoked' | 'already-gone'> {
  try {
    await http.send(request);
    return 'revoked';
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return 'already-gone';
    throw providerError(wording, `revoking token ${id}`, err);
  }
}
