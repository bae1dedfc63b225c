import { gitHubError, statusOf, type GitHubClient } from './client.js';
import { seeDocs } from '../docs.js';
import { seal, sodiumReady } from './seal.js';
import type { OrganizationTarget, SecretTarget, SecretType, Visibility } from './targets.js';

export interface PublicKey {
  keyId: string;
  key: string;
}

/** What the preflight learnt of a target: its key and, for an organisation secret, its access. */
export interface PreparedTarget {
  key: PublicKey;
  /** Organisation secrets: what the write sends, so an existing secret keeps its access. */
  access?: { visibility: Visibility; selectedRepositoryIds?: number[] };
  /** Set when inspected. */
  exists?: boolean;
}

export type WriteResult = 'created' | 'updated';

/** The port the rotation uses to reach secrets; read-only prepare(), then write(). */
export interface SecretsPort {
  /** `inspect`: also find out whether the secret exists (a dry run's plan says so). */
  prepare(target: SecretTarget, options?: { inspect?: boolean }): Promise<PreparedTarget>;
  write(target: SecretTarget, prepared: PreparedTarget, value: string): Promise<WriteResult>;
  /** Writes will follow: get ready for them (load the sealer) while other requests are in flight. */
  warmUp?(): void;
}

/** The fine-grained permission each kind of secret needs, as GitHub's settings page names it. */
export function permissionFor(target: SecretTarget): string {
  if (target.kind === 'environment') return 'Environments: Read and write';
  const scope = target.kind === 'organization' ? 'Organization permission ' : '';
  const name = { actions: 'Secrets', dependabot: 'Dependabot secrets', codespaces: 'Codespaces secrets' }[
    target.type
  ];
  return `${scope}${name}: Read and write`;
}

function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

const PAGE = 100;

/**
 * A write that failed without a definite refusal (no answer, a timeout, a 5xx; Octokit reports a
 * network failure as status 500) may have been stored all the same.
 */
export function mayHaveApplied(err: unknown): boolean {
  const status = statusOf(err);
  return status === undefined || status >= 500;
}

/** Whether a failed write() may have stored the value nonetheless. */
export const maybeWritten = (err: unknown): boolean =>
  (err as { maybeWritten?: boolean } | undefined)?.maybeWritten !== false;

export function gitHubSecrets(octokit: GitHubClient): SecretsPort {
  // The three products share method names and shapes; each has its own keys and paths.
  const api = (type: SecretType) => octokit.rest[type];

  async function publicKey(target: SecretTarget): Promise<PublicKey> {
    if (target.kind === 'organization') {
      const res = await api(target.type).getOrgPublicKey({ org: target.organization });
      return { keyId: res.data.key_id, key: res.data.key };
    }
    const repo = splitRepository(target.repository);
    if (target.kind === 'environment') {
      const res = await octokit.rest.actions.getEnvironmentPublicKey({
        ...repo,
        environment_name: target.environment
      });
      return { keyId: res.data.key_id, key: res.data.key };
    }
    const res = await api(target.type).getRepoPublicKey(repo);
    return { keyId: res.data.key_id, key: res.data.key };
  }

  /** GitHub answers 404 for a missing environment and for a hidden repository alike. */
  async function explainMissingEnvironment(target: SecretTarget, err: unknown): Promise<Error> {
    if (target.kind === 'environment' && statusOf(err) === 404) {
      const found = await octokit.rest.repos.get(splitRepository(target.repository)).then(
        () => true,
        () => false
      );
      if (found)
        return new Error(
          `GitHub: environment "${target.environment}" does not exist in ${target.repository}. Create it (Settings → Environments) or fix environment.${seeDocs('targets')}.`
        );
    }
    return gitHubError(`reading the public key for ${target.label}`, err, permissionFor(target));
  }

  async function repositoryIds(repositories: string[], target: OrganizationTarget): Promise<number[]> {
    return Promise.all(
      repositories.map(async (repository) => {
        try {
          return (await octokit.rest.repos.get(splitRepository(repository))).data.id;
        } catch (err) {
          throw gitHubError(`looking up ${repository}, selected for ${target.label},`, err, 'Metadata: Read');
        }
      })
    );
  }

  /** The existing secret's access, or undefined when it does not exist yet. */
  async function existingAccess(target: OrganizationTarget): Promise<PreparedTarget['access']> {
    const where = { org: target.organization, secret_name: target.name };
    let visibility: Visibility;
    try {
      visibility = (await api(target.type).getOrgSecret(where)).data.visibility;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
    if (visibility !== 'selected') return { visibility };
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const res = await api(target.type).listSelectedReposForOrgSecret({ ...where, per_page: PAGE, page });
      ids.push(...res.data.repositories.map((r) => r.id));
      if (res.data.repositories.length < PAGE) break;
    }
    return { visibility, selectedRepositoryIds: ids };
  }

  async function organizationAccess(target: OrganizationTarget): Promise<PreparedTarget['access']> {
    if (target.visibility === 'selected')
      return {
        visibility: 'selected',
        selectedRepositoryIds: await repositoryIds(target.selectedRepositories, target)
      };
    if (target.visibility) return { visibility: target.visibility };
    // Never change who may use an existing secret unless asked; a new one starts private.
    try {
      return (await existingAccess(target)) ?? { visibility: 'private' };
    } catch (err) {
      throw gitHubError(`reading ${target.label}`, err, permissionFor(target));
    }
  }

  async function secretExists(target: SecretTarget): Promise<boolean> {
    const name = { secret_name: target.name };
    const read =
      target.kind === 'organization'
        ? api(target.type).getOrgSecret({ org: target.organization, ...name })
        : target.kind === 'environment'
          ? octokit.rest.actions.getEnvironmentSecret({
              ...splitRepository(target.repository),
              environment_name: target.environment,
              ...name
            })
          : api(target.type).getRepoSecret({ ...splitRepository(target.repository), ...name });
    return read.then(
      () => true,
      (err: unknown) => {
        if (statusOf(err) === 404) return false;
        throw gitHubError(`reading ${target.label}`, err, permissionFor(target));
      }
    );
  }

  return {
    // After this tick: the requests it was called beside go out first; an error shows in seal().
    warmUp: () => void setImmediate(() => sodiumReady().catch(() => undefined)),
    async prepare(target, options = {}) {
      const [key, access, exists] = await Promise.all([
        publicKey(target).catch(async (err: unknown) => {
          throw await explainMissingEnvironment(target, err);
        }),
        target.kind === 'organization' ? organizationAccess(target) : undefined,
        options.inspect ? secretExists(target) : undefined
      ]);
      return { key, access, exists };
    },

    async write(target, prepared, value) {
      const sealed = { encrypted_value: await seal(value, prepared.key.key), key_id: prepared.key.keyId };
      try {
        let status: number;
        if (target.kind === 'organization') {
          const access = prepared.access ?? { visibility: 'private' };
          status = (
            await api(target.type).createOrUpdateOrgSecret({
              org: target.organization,
              secret_name: target.name,
              ...sealed,
              visibility: access.visibility,
              ...(access.visibility === 'selected'
                ? { selected_repository_ids: access.selectedRepositoryIds ?? [] }
                : {})
            })
          ).status;
        } else if (target.kind === 'environment') {
          status = (
            await octokit.rest.actions.createOrUpdateEnvironmentSecret({
              ...splitRepository(target.repository),
              environment_name: target.environment,
              secret_name: target.name,
              ...sealed
            })
          ).status;
        } else {
          status = (
            await api(target.type).createOrUpdateRepoSecret({
              ...splitRepository(target.repository),
              secret_name: target.name,
              ...sealed
            })
          ).status;
        }
        return status === 201 ? 'created' : 'updated';
      } catch (err) {
        const failure = gitHubError(`writing secret ${target.label}`, err, permissionFor(target));
        throw Object.assign(failure, { maybeWritten: mayHaveApplied(err) });
      }
    }
  };
}
