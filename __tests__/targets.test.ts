import { describeTarget, secretTargets } from '../src/github/targets.js';

const spec = {
  secretName: 'API_TOKEN',
  repositories: ['octo/app', 'octo/web'],
  secretType: 'actions' as const
};

test('repository secrets: one per repository, labelled owner/repo:NAME', () => {
  expect(secretTargets(spec).map((t) => [t.label, describeTarget(t)])).toEqual([
    ['octo/app:API_TOKEN', 'repository secret'],
    ['octo/web:API_TOKEN', 'repository secret']
  ]);
});

test('other secret types say so in the label and the kind', () => {
  expect(
    secretTargets({ ...spec, secretType: 'dependabot' }).map((t) => [t.label, describeTarget(t)])
  ).toEqual([
    ['dependabot:octo/app:API_TOKEN', 'Dependabot repository secret'],
    ['dependabot:octo/web:API_TOKEN', 'Dependabot repository secret']
  ]);
});

test('environment secrets: one per repository, labelled owner/repo/env:NAME', () => {
  expect(secretTargets({ ...spec, environment: 'production' }).map((t) => t.label)).toEqual([
    'octo/app/production:API_TOKEN',
    'octo/web/production:API_TOKEN'
  ]);
});

test('an organisation secret: one target; repositories are its selection only with selected', () => {
  const [org] = secretTargets({ ...spec, organization: 'octo', visibility: 'selected' });
  expect(org).toMatchObject({
    kind: 'organization',
    label: 'org:octo:API_TOKEN',
    visibility: 'selected',
    selectedRepositories: ['octo/app', 'octo/web']
  });
  expect(
    secretTargets({ ...spec, repositories: [], organization: 'octo', secretType: 'codespaces' })
  ).toEqual([
    {
      kind: 'organization',
      type: 'codespaces',
      organization: 'octo',
      name: 'API_TOKEN',
      label: 'codespaces:org:octo:API_TOKEN',
      visibility: undefined,
      selectedRepositories: []
    }
  ]);
});
