/** Databricks workspace simulator: the caller's own PATs (API-FACTS §0.6-0.8, §2.1, §2.3). */
import { createHash, randomBytes } from 'node:crypto';
import { ProviderSimBase, type IssueOptions, type SimToken } from './provider.js';
import {
  SimError,
  type RateLimit,
  type RateState,
  type SimOptions,
  type SimRequest,
  type SimResponse
} from './server.js';

export interface DatabricksToken extends SimToken {
  scopes?: string[];
}

export interface DatabricksIssueOptions extends IssueOptions {
  scopes?: string[];
}

export interface PublicTokenInfo {
  token_id: string;
  comment: string;
  creation_time: number;
  expiry_time: number;
  scopes?: string[];
}

const DAY_S = 86_400;
const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  429: 'REQUEST_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
  503: 'TEMPORARILY_UNAVAILABLE'
};

/** The error page of the Jetty server behind older workspaces, as clients have logged it. */
function jettyErrorPage(status: number, path: string, reason: string): string {
  return [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    `<title>Error ${status} ${reason}</title>`,
    '</head>',
    `<body><h2>HTTP ERROR ${status}</h2>`,
    `<p>Problem accessing ${path}. Reason:`,
    `<pre>    ${reason}</pre></p>`,
    '</body>',
    '</html>',
    ''
  ].join('\n');
}

export class DatabricksSim extends ProviderSimBase<DatabricksToken, DatabricksIssueOptions> {
  rateLimit: RateLimit = { limit: 6000, windowMs: 60_000, status: 429 };
  /** Workspace cap on new tokens' lifetime (`maxTokenLifetimeDays`, default 730 days). */
  maxLifetimeSeconds = 730 * DAY_S;
  /** Live tokens per user. */
  quota = 600;
  /** Status of the QUOTA_EXCEEDED answer (undocumented; 400 assumed). */
  quotaStatus = 400;
  /** Answer a refused bearer as older deployments do: Jetty's HTML error page (API-FACTS §0.7). */
  htmlAuthFailures = false;
  readonly user = { id: '4242424242424242', userName: 'sim-user@example.com' };

  constructor(opts: SimOptions = {}) {
    super(opts);
    this.route('POST', '/api/2.0/token/create', (req) => {
      const body = this.object(req.body);
      const { lifetime_seconds: lifetime, comment, scopes } = body;
      if (
        lifetime !== undefined &&
        (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime <= 0)
      )
        throw this.invalid('lifetime_seconds must be a positive integer.');
      if (typeof lifetime === 'number' && lifetime > this.maxLifetimeSeconds)
        throw this.invalid(
          `Token lifetime ${lifetime}s exceeds the maximum lifetime of ${this.maxLifetimeSeconds / DAY_S} days.`
        );
      if (comment !== undefined && typeof comment !== 'string')
        throw this.invalid('comment must be a string.');
      if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')))
        throw this.invalid('scopes must be a list of strings.');
      if (this.liveTokens().length >= this.quota)
        throw this.fail(this.quotaStatus, 'QUOTA_EXCEEDED', `Cannot create more than ${this.quota} tokens.`);
      const t = this.create({
        name: comment ?? '',
        expiresAt: this.now() + (typeof lifetime === 'number' ? lifetime : 2 * 365 * DAY_S) * 1000,
        ...(scopes === undefined ? {} : { scopes: scopes as string[] })
      });
      return { status: 200, body: { token_value: t.value, token_info: this.info(t) } };
    });
    this.route('GET', '/api/2.0/token/list', () => ({
      status: 200,
      body: { token_infos: this.liveTokens().map((t) => this.info(t)) }
    }));
    this.route('POST', '/api/2.0/token/delete', (req) => {
      const id = this.object(req.body).token_id;
      if (typeof id !== 'string' || id === '') throw this.invalid('token_id is required.');
      const t = this.findLive(id);
      if (!t || t.id !== id)
        throw this.fail(404, 'RESOURCE_DOES_NOT_EXIST', `No valid token with ID ${id} found.`);
      t.revoked = true;
      return { status: 200, body: {} };
    });
    this.route('GET', '/api/2.0/preview/scim/v2/Me', () => ({
      status: 200,
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        id: this.user.id,
        userName: this.user.userName,
        displayName: 'Sim User',
        active: true,
        emails: [{ value: this.user.userName, type: 'work', primary: true }]
      }
    }));
  }

  protected mint(opts: DatabricksIssueOptions): DatabricksToken {
    const value = `dapi${randomBytes(16).toString('hex')}`;
    return {
      id: createHash('sha256').update(value).digest('hex'),
      name: opts.name ?? '',
      value,
      createdAt: this.now(),
      expiresAt: opts.expiresAt ?? null,
      revoked: false,
      ...(opts.scopes ? { scopes: opts.scopes } : {})
    };
  }

  protected override invalidJson(): SimError {
    return this.fail(
      400,
      'MALFORMED_REQUEST',
      'Invalid JSON given in the body of the request - expected a map'
    );
  }

  protected authFailure(req: SimRequest): SimResponse {
    const reason = 'Invalid access token.';
    if (this.htmlAuthFailures)
      return {
        status: 403,
        text: jettyErrorPage(403, req.pathname, reason),
        headers: { 'content-type': 'text/html;charset=utf-8' }
      };
    return {
      status: 403,
      body: { error_code: 403, message: reason },
      headers: { 'x-databricks-reason-phrase': reason }
    };
  }

  protected errorBody(status: number, message?: string): unknown {
    return { error_code: CODES[status] ?? 'UNKNOWN', message: message ?? `HTTP ${status}` };
  }

  protected responseHeaders(rate: RateState, status: number): Record<string, string> {
    return status === 429 ? { 'retry-after': String(rate.retryAfter) } : {};
  }

  private info(t: DatabricksToken): PublicTokenInfo {
    return {
      token_id: t.id,
      comment: t.name,
      creation_time: t.createdAt,
      expiry_time: t.expiresAt ?? -1,
      ...(t.scopes ? { scopes: t.scopes } : {})
    };
  }

  private object(body: unknown): Record<string, unknown> {
    if (body === undefined) return {};
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw this.invalid('Request body must be a JSON object.');
    return body as Record<string, unknown>;
  }

  private fail(status: number, code: string, message: string): SimError {
    return new SimError({ status, body: { error_code: code, message } });
  }

  private invalid(message: string): SimError {
    return this.fail(400, 'INVALID_PARAMETER_VALUE', message);
  }
}

export async function startDatabricksSim(opts: SimOptions = {}): Promise<DatabricksSim> {
  return new DatabricksSim(opts).listen(opts.port);
}
