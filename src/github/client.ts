import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { fetch as undiciFetch } from 'undici';
import { seeDocs } from '../docs.js';
import { createDispatcher } from '../http.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  baseUrl: string;
  /** Per-request limit for connecting, headers and body. */
  timeoutMs?: number;
  /** Milliseconds per unit of wait: plugin-retry waits 1, 4, 9 units; throttling waits Retry-After seconds. */
  waitUnitMs?: number;
  /** Requests in flight at once (GitHub allows 100). */
  concurrency?: number;
  log?: (message: string) => void;
}

/** How often to retry after GitHub's rate limits before giving up. */
const RATE_LIMIT_RETRIES = 3;
/** Longer primary-limit waits than this fail the run instead of stalling it. */
const MAX_RATE_LIMIT_WAIT_S = 120;

/**
 * Octokit (typed endpoints) with GitHub's plugins: plugin-retry for 5xx and network errors,
 * plugin-throttling for primary and secondary rate limits (retry-after, x-ratelimit-reset).
 * Requests run a bounded number at a time instead of the plugin's default one write per second,
 * so a fan-out to many targets takes one round trip; after a secondary-limit refusal, writes
 * slow to one per second and the refused request is retried after the time GitHub asks. Requests go through undici with timeouts (Octokit sets none).
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const timeout = options.timeoutMs ?? 30_000;
  const unit = options.waitUnitMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const dispatcher = createDispatcher(timeout);
  const fetch = (url: string, init: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher });
  // Writes start freely until GitHub signals its secondary limit; then one per wait unit (a
  // second), as GitHub's guidance asks, so a refused request is not refused again on retry.
  const writes = new Bottleneck.Group({ minTime: 0 });
  const throttleId = 'ci-token-rotator';
  const keepTrying = (after: number, count: number) =>
    count < RATE_LIMIT_RETRIES && after <= MAX_RATE_LIMIT_WAIT_S;
  type Request = { method: string; url: string };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      request: { fetch },
      headers: { 'x-github-api-version': '2022-11-28' },
      // 409 is a definite answer (the variable exists: a lock held, or a state created meanwhile),
      // never worth retrying; plugin-retry's own list leaves it out.
      retry: { retryAfterBaseValue: unit, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
      throttle: {
        id: throttleId,
        retryAfterBaseValue: unit,
        fallbackSecondaryRateRetryAfter: 60,
        // `global` bounds requests in flight (GitHub allows 100); the plugin honours it though
        // its type omits it. Its default, 10, would split a larger preflight into round trips.
        ...{ global: new Bottleneck.Group({ maxConcurrent: options.concurrency ?? 20 }) },
        write: writes,
        // The plugin retries when a handler returns true (its type says void).
        onRateLimit: (after: number, request: Request, _octokit: unknown, count: number) => {
          if (!keepTrying(after, count)) return false;
          log(`GitHub rate limit reached on ${request.method} ${request.url}; retrying in ${after} s`);
          return true;
        },
        onSecondaryRateLimit: (after: number, request: Request, _octokit: unknown, count: number) => {
          writes.key(throttleId).updateSettings({ minTime: unit });
          if (!keepTrying(after, count)) return false;
          log(
            `GitHub secondary rate limit on ${request.method} ${request.url}; slowing writes, retrying in ${after} s`
          );
          return true;
        }
      }
    },
    retry,
    throttling
  );
}

export const statusOf = (err: unknown): number | undefined => (err as { status?: number })?.status;

interface RequestErrorLike {
  status?: number;
  message?: string;
}

/** GitHub failures worded with the permission to check. */
export function gitHubError(action: string, err: unknown, permission: string): Error {
  const status = statusOf(err);
  const said = (err as RequestErrorLike)?.message ?? String(err);
  let hint: string;
  if (status === 401) hint = 'github-token was refused: check that it is valid and not expired.';
  else if (status === 403)
    hint = `github-token lacks a permission: a fine-grained PAT or GitHub App needs "${permission}". GITHUB_TOKEN can never write secrets or variables.`;
  else if (status === 404)
    hint = `Not found: check the name, and that github-token can access it (a fine-grained PAT must list the repository or organisation) with "${permission}".`;
  else if (status !== undefined && status >= 500)
    hint = 'GitHub had a server error or could not be reached; try again later.';
  else hint = 'Check the value GitHub rejected.';
  const docs = status === 401 || status === 403 || status === 404 ? `${seeDocs('github')}.` : '';
  return new Error(
    `GitHub: ${action} failed${status ? ` with HTTP ${status}` : ''} (${said}). ${hint}${docs}`
  );
}
