import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { fetch as undiciFetch } from 'undici';
import { createDispatcher } from '../http.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  baseUrl: string;
  /** Per-request limit for connecting, headers and body. */
  timeoutMs?: number;
  /** plugin-retry waits base × 1, 4, 9 ms between its three retries. */
  retryBaseMs?: number;
}

/**
 * Octokit (typed endpoints) with @octokit/plugin-retry for 5xx and network errors. Requests go
 * through undici with timeouts, since Octokit sets none, and the runner's proxy settings.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const timeout = options.timeoutMs ?? 30_000;
  const dispatcher = createDispatcher(timeout);
  const fetch = (url: string, init: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher });
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      request: { fetch },
      headers: { 'x-github-api-version': '2022-11-28' },
      retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000 }
    },
    retry
  );
}

interface RequestErrorLike {
  status?: number;
  message?: string;
}

/** GitHub failures worded with the permission to check. */
export function gitHubError(action: string, err: unknown, permission: string): Error {
  const status = (err as RequestErrorLike)?.status;
  const said = (err as RequestErrorLike)?.message ?? String(err);
  let hint: string;
  if (status === 401) hint = 'github-token was refused: check that it is valid and not expired.';
  else if (status === 403)
    hint = `github-token lacks a permission: a fine-grained PAT or GitHub App needs "${permission}". GITHUB_TOKEN can never write secrets or variables.`;
  else if (status === 404)
    hint = `Not found: check the repository name, and that github-token can access it (a fine-grained PAT must list the repository) with "${permission}".`;
  else if (status !== undefined && status >= 500)
    hint = 'GitHub had a server error or could not be reached; try again later.';
  else hint = 'Check the value GitHub rejected.';
  return new Error(`GitHub: ${action} failed${status ? ` with HTTP ${status}` : ''} (${said}). ${hint}`);
}
