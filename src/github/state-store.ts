import { gitHubError, statusOf, type GitHubClient } from './client.js';

/** Where the rotation state lives: one Actions variable. */
export interface StatePort {
  /** The variable's text, or undefined when it does not exist yet. */
  read(): Promise<string | undefined>;
  /** `existed` is what read() found, to pick create or update first. */
  write(text: string, existed: boolean): Promise<void>;
}

const VARIABLES_PERMISSION = 'Variables: Read and write';

export function gitHubVariableState(octokit: GitHubClient, repository: string, name: string): StatePort {
  const [owner = '', repo = ''] = repository.split('/');
  const where = `variable ${name} in ${repository}`;

  const update = (value: string) => octokit.rest.actions.updateRepoVariable({ owner, repo, name, value });
  const create = (value: string) => octokit.rest.actions.createRepoVariable({ owner, repo, name, value });

  return {
    async read() {
      try {
        const res = await octokit.rest.actions.getRepoVariable({ owner, repo, name });
        return res.data.value;
      } catch (err) {
        if (statusOf(err) !== 404) throw gitHubError(`reading ${where}`, err, VARIABLES_PERMISSION);
      }
      // GitHub answers 404 for a hidden repository too: tell "no state yet" from "no access".
      try {
        await octokit.rest.repos.get({ owner, repo });
      } catch (err) {
        throw gitHubError(`reading ${where}`, err, VARIABLES_PERMISSION);
      }
      return undefined;
    },

    async write(value, existed) {
      try {
        if (existed) {
          try {
            await update(value);
          } catch (err) {
            // Deleted since we read it: create it again.
            if (statusOf(err) !== 404) throw err;
            await create(value);
          }
        } else {
          try {
            await create(value);
          } catch (err) {
            // 409: it exists after all (a retried POST, or created meanwhile).
            if (statusOf(err) !== 409) throw err;
            await update(value);
          }
        }
      } catch (err) {
        throw gitHubError(`writing ${where}`, err, VARIABLES_PERMISSION);
      }
    }
  };
}
