/** Where a secret goes. Pure: naming and description only; the I/O is in secrets.ts. */

export const SECRET_TYPES = ['actions', 'dependabot', 'codespaces'] as const;
export type SecretType = (typeof SECRET_TYPES)[number];
export const VISIBILITIES = ['all', 'private', 'selected'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

interface TargetBase {
  name: string;
  /** How outputs, the summary and the state name it, e.g. `octo/app:NAME`, `org:octo:NAME`. */
  label: string;
}
export interface RepositoryTarget extends TargetBase {
  kind: 'repository';
  type: SecretType;
  repository: string;
}
export interface EnvironmentTarget extends TargetBase {
  kind: 'environment';
  repository: string;
  environment: string;
}
export interface OrganizationTarget extends TargetBase {
  kind: 'organization';
  type: SecretType;
  organization: string;
  /** Set only when the user asked for it: an existing secret's visibility is otherwise kept. */
  visibility?: Visibility;
  /** With visibility `selected`: the repositories to select, as owner/repo. */
  selectedRepositories: string[];
}
export type SecretTarget = RepositoryTarget | EnvironmentTarget | OrganizationTarget;

export interface TargetSpec {
  secretName: string;
  repositories: string[];
  environment?: string;
  organization?: string;
  visibility?: Visibility;
  secretType: SecretType;
}

/** Actions secrets keep the plain label; other kinds say theirs first (`dependabot:octo/app:NAME`). */
const typePrefix = (type: SecretType) => (type === 'actions' ? '' : `${type}:`);

export function secretTargets(spec: TargetSpec): SecretTarget[] {
  const name = spec.secretName;
  if (spec.organization) {
    return [
      {
        kind: 'organization',
        type: spec.secretType,
        organization: spec.organization,
        name,
        label: `${typePrefix(spec.secretType)}org:${spec.organization}:${name}`,
        visibility: spec.visibility,
        selectedRepositories: spec.visibility === 'selected' ? spec.repositories : []
      }
    ];
  }
  const environment = spec.environment;
  if (environment) {
    return spec.repositories.map((repository) => ({
      kind: 'environment',
      repository,
      environment,
      name,
      label: `${repository}/${environment}:${name}`
    }));
  }
  return spec.repositories.map((repository) => ({
    kind: 'repository',
    type: spec.secretType,
    repository,
    name,
    label: `${typePrefix(spec.secretType)}${repository}:${name}`
  }));
}

const TYPE_WORD: Record<SecretType, string> = {
  actions: '',
  dependabot: 'Dependabot ',
  codespaces: 'Codespaces '
};

/** For the summary: "repository secret", "Dependabot organization secret (selected)". */
export function describeTarget(target: SecretTarget): string {
  if (target.kind === 'environment') return 'environment secret';
  if (target.kind === 'repository') return `${TYPE_WORD[target.type]}repository secret`;
  return `${TYPE_WORD[target.type]}organization secret`;
}
