/**
 * The repository objects GitHub answers with: `full-repository` (GET /repos/{owner}/{repo}) and
 * `minimal-repository` (items of an org secret's selected repositories), with every field the
 * published description requires (contracts/github-operations.json). URLs follow api.github.com's
 * templates on the simulator's own origin, so a client that follows one stays on loopback.
 */

/** What the simulator knows of a repository; the rest of GitHub's fields are fixed defaults. */
export interface RepositoryFacts {
  id: number;
  owner: string;
  ownerId: number;
  ownerType: 'Organization' | 'User';
  name: string;
  fullName: string;
  private: boolean;
  createdAt: string;
}

/** GitHub's node IDs are opaque base64 strings; this keeps the shape (type prefix + number). */
function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}${id}`).toString('base64');
}

function simpleUser(api: string, f: RepositoryFacts) {
  const user = `${api}/users/${f.owner}`;
  return {
    login: f.owner,
    id: f.ownerId,
    node_id: nodeId(f.ownerType === 'Organization' ? '04:Organization' : '04:User', f.ownerId),
    avatar_url: `${api}/avatars/u/${f.ownerId}?v=4`,
    gravatar_id: '',
    url: user,
    html_url: `${api}/${f.owner}`,
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
    type: f.ownerType,
    site_admin: false
  };
}

/** `minimal-repository`: identity, owner and the API URL templates. */
export function minimalRepository(api: string, f: RepositoryFacts) {
  const url = `${api}/repos/${f.fullName}`;
  return {
    id: f.id,
    node_id: nodeId('010:Repository', f.id),
    name: f.name,
    full_name: f.fullName,
    owner: simpleUser(api, f),
    private: f.private,
    html_url: `${api}/${f.fullName}`,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`
  };
}

/** `full-repository`: the minimal fields plus clone URLs, counters, flags and dates (an empty repository). */
export function fullRepository(api: string, f: RepositoryFacts) {
  const html = `${api}/${f.fullName}`;
  return {
    ...minimalRepository(api, f),
    clone_url: `${html}.git`,
    git_url: `${html.replace(/^https?:/, 'git:')}.git`,
    ssh_url: `git@127.0.0.1:${f.fullName}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    default_branch: 'main',
    visibility: f.private ? 'private' : 'public',
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    forks: 0,
    forks_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    network_count: 0,
    subscribers_count: 0,
    size: 0,
    created_at: f.createdAt,
    updated_at: f.createdAt,
    pushed_at: f.createdAt
  };
}
