import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { fetch as undiciFetch } from 'undici';
import { seeDocs } from '../docs.js';
import { createDispatcher } from '../http.js';
import { costOf, GITHUB_SECONDARY_LIMITS, Pacer } from './pacing.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  baseUrl: string;
  /** Per-request limit for connecting, headers and body. */
  timeoutMs?: number;
  /**
   * Milliseconds per unit of wait, GitHub's second: plugin-retry waits 1, 4, 9 units; throttling
   * waits Retry-After seconds; the pacing budget's minute is 60 units.
   */
  waitUnitMs?: number;
  /** Requests in flight at once: at most GitHub's 100 (default 90, a margin for the token's other users). */
  concurrency?: number;
  /**
   * Also pace POSTs and secret writes to GitHub's 80 content-creating requests a minute. GitHub
   * does not say whether secret writes count; off by default (see DEFAULT_CONCURRENCY's note).
   */
  contentCreation?: boolean;
  /** Pace to GitHub's documented secondary limits before sending (default true). */
  pacing?: boolean;
  log?: (message: string) => void;
}

/**
 * 90 of GitHub's 100: the limit is shared by every request made with the token (REST and GraphQL,
 * other steps or jobs using it at the same time), which this client cannot see; 10 fewer costs one
 * round trip in a fan-out of more than 90 repositories.
 *
 * Content creation is not assumed: GitHub limits creating content to about 80 requests a minute
 * and 500 an hour, and does not say that secret writes count. Assuming they do would make 500
 * repositories take 6 minutes instead of 2 (and the hourly figure would then cap a run at 500
 * secrets). If GitHub refuses anyway, plugin-throttling waits the Retry-After it asks and writes go
 * one a second (60 a minute, inside 80) for the rest of the run: one refusal, then paced.
 */
const DEFAULT_CONCURRENCY = 90;

/** How often to retry after GitHub's rate limits before giving up. */
const RATE_LIMIT_RETRIES = 3;
/** Longer primary-limit waits than this fail the run instead of stalling it. */
const MAX_RATE_LIMIT_WAIT_S = 120;

/**
 * Octokit (typed endpoints) with GitHub's plugins: plugin-retry for 5xx and network errors,
 * plugin-throttling for primary and secondary rate limits (retry-after, x-ratelimit-reset).
 * Before GitHub refuses, requests are paced to its documented secondary limits (pacing.ts: at
 * most 90 in flight, 900 points a minute per endpoint) instead of the plugin's default one write
 * a second, so a fan-out to a few dozen targets takes one round trip and one to 500 takes the
 * minutes GitHub's budget allows; after a refusal all the same, writes slow to one a second and
 * the refused request is retried after the time GitHub asks. Requests go through undici with
 * timeouts (Octokit sets none).
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const timeout = options.timeoutMs ?? 30_000;
  const unit = options.waitUnitMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const dispatcher = createDispatcher(timeout);
  const fetch = (url: string, init: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher });
  const paced = options.pacing !== false;
  const pacer = new Pacer(
    {
      minuteMs: 60 * unit,
      pointsPerMinute: paced ? GITHUB_SECONDARY_LIMITS.pointsPerMinute : Infinity,
      maxInFlight: paced
        ? Math.max(
            1,
            Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, GITHUB_SECONDARY_LIMITS.maxConcurrent)
          )
        : Infinity,
      ...(paced && options.contentCreation
        ? { contentPerMinute: GITHUB_SECONDARY_LIMITS.contentPerMinute }
        : {})
    },
    {
      now: () => performance.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
    }
  );
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
        id: 'ci-token-rotator',
        retryAfterBaseValue: unit,
        fallbackSecondaryRateRetryAfter: 60,
        // The pacer does the queueing; the plugin keeps what GitHub answers (which refusal it is,
        // how long to wait, the retry). Its own Bottleneck queues start about one request per turn
        // of the event loop (50 requests at 50 ms latency: 15-20 in flight, not 50), so it gets
        // queues that start at once. It honours these options though its type omits them.
        ...({ global: startAtOnce, write: startAtOnce, retryLimiter: retryQueue() } as object),
        // The plugin retries when a handler returns true (its type says void).
        onRateLimit: (after: number, request: Request, _octokit: unknown, count: number) => {
          if (!keepTrying(after, count)) return false;
          log(`GitHub rate limit reached on ${request.method} ${request.url}; retrying in ${after} s`);
          return true;
        },
        onSecondaryRateLimit: (after: number, request: Request, _octokit: unknown, count: number) => {
          // One write per wait unit (a second) from now on, as GitHub asks after a refusal, so a
          // refused request is not refused again on retry.
          pacer.spaceWrites(unit);
          if (!keepTrying(after, count)) return false;
          log(
            `GitHub secondary rate limit on ${request.method} ${request.url}; slowing writes, retrying in ${after} s`
          );
          return true;
        }
      }
    },
    pacing(pacer),
    retry,
    throttling
  );
}

/** The Octokit a plugin receives. */
type PluginHost = Parameters<typeof retry>[0];

/**
 * An Octokit plugin that waits for the budget before each HTTP attempt. Registered before
 * plugin-retry and plugin-throttling, it sits inside them, so their retries are paced too; it sees
 * Octokit's URL template (`/repos/{owner}/{repo}/…`), which names the endpoint.
 */
function pacing(pacer: Pacer) {
  return (octokit: PluginHost) => {
    octokit.hook.wrap('request', async (request, options) => {
      const release = await pacer.acquire(costOf(options.method, options.url));
      try {
        return await request(options);
      } finally {
        release();
      }
    });
  };
}

type Job = (...args: unknown[]) => unknown;

/** A Bottleneck.Group, as plugin-throttling uses it, whose jobs start at once. */
const startAtOnce = {
  key: () => ({
    schedule: (_options: unknown, job: Job, ...args: unknown[]) => Promise.resolve(job(...args))
  })
};

type FailedListener = (error: unknown, info: { args: unknown[] }) => unknown;

/**
 * The Bottleneck plugin-throttling retries through: a job runs at once; when it fails, the
 * plugin's "failed" listener says how many milliseconds to wait before running it again (a
 * number), or that it gives up (anything else: the error stands).
 */
function retryQueue() {
  const listeners: FailedListener[] = [];
  return {
    on(event: string, listener: FailedListener) {
      if (event === 'failed') listeners.push(listener);
    },
    async schedule(job: Job, ...args: unknown[]) {
      for (;;) {
        try {
          return await job(...args);
        } catch (error) {
          let wait: unknown;
          for (const listener of listeners)
            wait = (await (async () => listener(error, { args }))().catch(() => undefined)) ?? wait;
          if (typeof wait !== 'number' || !Number.isFinite(wait)) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
        }
      }
    }
  };
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
