import { gitHubError, type GitHubClient } from './client.js';
import { seal } from './seal.js';

/** One place a secret is written. */
export interface SecretTarget {
  repository: string;
  name: string;
  /** How it is named in outputs and the summary: `owner/repo:NAME`. */
  label: string;
}

export interface PublicKey {
  keyId: string;
  key: string;
}

export type WriteResult = 'created' | 'updated';

/** The port the rotation uses to reach secrets; one implementation talks to GitHub. */
export interface SecretsPort {
  publicKey(target: SecretTarget): Promise<PublicKey>;
  write(target: SecretTarget, key: PublicKey, value: string): Promise<WriteResult>;
}

export function repositorySecretTargets(repositories: string[], name: string): SecretTarget[] {
  return repositories.map((repository) => ({ repository, name, label: `${repository}:${name}` }));
}

const SECRETS_PERMISSION = 'Secrets: Read and write';

function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

export function gitHubSecrets(octokit: GitHubClient): SecretsPort {
  return {
    async publicKey(target) {
      try {
        const res = await octokit.rest.actions.getRepoPublicKey(splitRepository(target.repository));
        return { keyId: res.data.key_id, key: res.data.key };
      } catch (err) {
        throw gitHubError(`reading the Actions public key of ${target.repository}`, err, SECRETS_PERMISSION);
      }
    },

    async write(target, key, value) {
      const encrypted = await seal(value, key.key);
      try {
        const res = await octokit.rest.actions.createOrUpdateRepoSecret({
          ...splitRepository(target.repository),
          secret_name: target.name,
          encrypted_value: encrypted,
          key_id: key.keyId
        });
        return res.status === 201 ? 'created' : 'updated';
      } catch (err) {
        throw gitHubError(`writing secret ${target.label}`, err, SECRETS_PERMISSION);
      }
    }
  };
}
