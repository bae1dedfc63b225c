import { gitHubError, statusOf, type GitHubClient } from './client.js';

/**
 * Where the rotation lock lives: an Actions variable beside the state. GitHub creates a variable
 * only if it does not exist (409 otherwise), which makes its creation the one atomic step two
 * runs can race on.
 */
export interface LockPort {
  /** How messages name it, e.g. `variable X_TOKEN_STATE_LOCK in octo/app`. */
  label: string;
  /** False when the variable exists already. */
  create(text: string): Promise<boolean>;
  /** The variable's text, or undefined when it does not exist. */
  read(): Promise<string | undefined>;
  remove(): Promise<void>;
}

const VARIABLES_PERMISSION = 'Variables: Read and write';

export function gitHubVariableLock(octokit: GitHubClient, repository: string, name: string): LockPort {
  const [owner = '', repo = ''] = repository.split('/');
  const label = `variable ${name} in ${repository}`;
  const failed = (action: string, err: unknown) =>
    gitHubError(`${action} ${label}`, err, VARIABLES_PERMISSION);
  return {
    label,
    async create(value) {
      try {
        await octokit.rest.actions.createRepoVariable({ owner, repo, name, value });
        return true;
      } catch (err) {
        if (statusOf(err) === 409) return false;
        throw failed('creating', err);
      }
    },
    async read() {
      try {
        return (await octokit.rest.actions.getRepoVariable({ owner, repo, name })).data.value;
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw failed('reading', err);
      }
    },
    async remove() {
      try {
        await octokit.rest.actions.deleteRepoVariable({ owner, repo, name });
      } catch (err) {
        if (statusOf(err) !== 404) throw failed('deleting', err);
      }
    }
  };
}
