/**
 * Malformed inputs, each with the one problem it must produce. Shared by the pure parser's test
 * and the bundle's (where each must also send no request at all).
 */
export interface BadInput {
  name: string;
  /** Inputs overriding a valid set. */
  overrides: Record<string, string>;
  problem: string;
  /** Runner variables, when the case is about them. */
  env?: Record<string, string | undefined>;
}

export const VALID_INPUTS: Record<string, string> = {
  provider: 'vercel',
  'provider-token': 'vcp_abcdefghijklmnopqrstuvwx',
  'secret-name': 'vercel_token',
  'github-token': 'github_pat_123456789'
};

/** The one problem an input whose value equals or contains a credential gives: it never shows the value. */
export const CREDENTIAL_LOOKALIKE = (input: string): string =>
  `${input} looks like a credential: its value equals or contains provider-token or github-token (ignoring case); it is not shown, and only a credential input may hold a credential`;

export const BAD_INPUTS: BadInput[] = (
  [
    [
      'no provider',
      { provider: '' },
      'provider is required: one of vercel, databricks, linode, cloudflare, terraform, heroku'
    ],
    [
      'unknown provider',
      { provider: 'gitlab' },
      'provider: "gitlab" is not supported; use one of vercel, databricks, linode, cloudflare, terraform, heroku'
    ],
    ['no provider-token', { 'provider-token': '' }, 'provider-token is required'],
    [
      'provider-token with a newline',
      { 'provider-token': 'abc\ndef' },
      'provider-token contains white space or a line break; check the secret it comes from'
    ],
    ['no github-token', { 'github-token': '' }, 'github-token is required'],
    [
      'databricks without URL',
      { provider: 'databricks' },
      'provider-url is required for Databricks: the workspace URL, e.g. https://dbc-1234.cloud.databricks.com'
    ],
    [
      'http to a remote host',
      { 'provider-url': 'http://api.vercel.com' },
      'provider-url: "http://api.vercel.com" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])'
    ],
    ['not a URL', { 'provider-url': 'api.vercel.com' }, 'provider-url: "api.vercel.com" is not a URL'],
    [
      'URL with credentials',
      { 'provider-url': 'https://u:p@api.vercel.com' },
      'provider-url: "https://u:p@api.vercel.com" must not contain credentials'
    ],
    [
      'URL with query',
      { 'provider-url': 'https://api.vercel.com/?teamId=1' },
      'provider-url: "https://api.vercel.com/?teamId=1" must not have a query or fragment'
    ],
    [
      'ftp URL',
      { 'provider-url': 'ftp://example.com' },
      'provider-url: "ftp://example.com" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])'
    ],
    ['no secret-name', { 'secret-name': '' }, 'secret-name is required'],
    [
      'secret-name with a dash',
      { 'secret-name': 'my-token' },
      'secret-name: "MY-TOKEN" may contain only letters, digits and underscores, and must not start with a digit'
    ],
    [
      'secret-name starting with a digit',
      { 'secret-name': '1TOKEN' },
      'secret-name: "1TOKEN" may contain only letters, digits and underscores, and must not start with a digit'
    ],
    [
      'secret-name GITHUB_',
      { 'secret-name': 'github_token' },
      'secret-name: "GITHUB_TOKEN" must not start with GITHUB_ (reserved by GitHub)'
    ],
    [
      'unicode secret-name',
      { 'secret-name': 'TÖKEN' },
      'secret-name: "T?KEN" may contain only letters, digits and underscores, and must not start with a digit'
    ],
    [
      'bad repository',
      { repositories: 'octo/app, not a repo' },
      'repositories: "not a repo" is not owner/repo'
    ],
    [
      'repository with extra slash',
      { repositories: 'octo/app/x' },
      'repositories: "octo/app/x" is not owner/repo'
    ],
    [
      'lifetime without unit',
      { lifetime: '7' },
      'lifetime: "7" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
    ],
    [
      'lifetime with a fraction',
      { lifetime: '1.5d' },
      'lifetime: "1.5d" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
    ],
    [
      'lifetime in seconds',
      { lifetime: '3600s' },
      'lifetime: "3600s" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
    ],
    ['lifetime too short', { lifetime: '10m' }, 'lifetime: "10m" is shorter than the minimum 15m'],
    [
      'lifetime too long',
      { lifetime: '53w' },
      'lifetime: "53w" is longer than Vercel allows here (at most 365d)'
    ],
    [
      'databricks lifetime too long',
      { provider: 'databricks', 'provider-url': 'https://x.cloud.databricks.com', lifetime: '731d' },
      'lifetime: "731d" is longer than Databricks allows here (at most 730d)'
    ],
    [
      'token-name too long',
      { provider: 'linode', 'token-name': 'x'.repeat(101) },
      'token-name is 101 characters; Linode allows at most 100'
    ],
    [
      'token-name with a control character',
      { 'token-name': 'a\u0007b' },
      'token-name must not contain control characters'
    ],
    [
      'scopes for vercel',
      { scopes: 'account:read_write' },
      "scopes applies to linode only; Vercel tokens take the acting token's access"
    ],
    [
      'bad linode scope',
      { provider: 'linode', scopes: 'account:write' },
      'scopes: "account:write" not a Linode OAuth scope; use space-separated area:read_only or area:read_write (e.g. "account:read_write linodes:read_only"), or *'
    ],
    [
      'more repositories than a state records',
      { repositories: Array.from({ length: 1001 }, (_, i) => `octo/r${i}`).join(',') },
      'repositories: 1001 repositories given; at most 1000 (the state records each target). For more, write one organisation secret with visibility: selected'
    ],
    [
      'token-owner for a provider that has none',
      { 'token-owner': 'account/0123456789abcdef0123456789abcdef' },
      'token-owner applies to cloudflare and terraform only; Vercel tokens belong to the acting user: leave token-owner empty'
    ],
    [
      'cloudflare token-owner of another kind',
      { provider: 'cloudflare', 'token-owner': 'team/team-6p5jTwJQXwqZBncC' },
      'token-owner: "team/team-6p5jTwJQXwqZBncC" is not account/<account-id> (the 32-character hexadecimal account ID); leave it empty for the acting user\'s own Cloudflare tokens'
    ],
    [
      'cloudflare account ID of the wrong form',
      { provider: 'cloudflare', 'token-owner': 'account/1234' },
      'token-owner: "account/1234" is not account/<account-id> (the 32-character hexadecimal account ID); leave it empty for the acting user\'s own Cloudflare tokens'
    ],
    [
      'cloudflare account ID that is a path',
      { provider: 'cloudflare', 'token-owner': 'account/../0123456789abcdef0123456789abcd' },
      'token-owner: "account/../0123456789abcdef0123456789abcd" is not account/<account-id> (the 32-character hexadecimal account ID); leave it empty for the acting user\'s own Cloudflare tokens'
    ],
    [
      'terraform token-owner without an ID',
      { provider: 'terraform', 'token-owner': 'team' },
      'token-owner: "team" is not team/<team-id> (team- and 16 letters or digits); leave it empty for the acting user\'s own HCP Terraform tokens'
    ],
    [
      'terraform token-owner with a user',
      { provider: 'terraform', 'token-owner': 'user/user-6p5jTwJQXwqZBncC' },
      'token-owner: "user/user-6p5jTwJQXwqZBncC" is not team/<team-id> (team- and 16 letters or digits); leave it empty for the acting user\'s own HCP Terraform tokens'
    ],
    [
      'heroku token-owner',
      { provider: 'heroku', 'token-owner': 'team/x' },
      'token-owner applies to cloudflare and terraform only; Heroku tokens belong to the acting user: leave token-owner empty'
    ],
    [
      'bad state-variable',
      { 'state-variable': 'state var' },
      'state-variable: "STATE VAR" may contain only letters, digits and underscores, and must not start with a digit'
    ],
    [
      'state-variable GITHUB_',
      { 'state-variable': 'GITHUB_STATE' },
      'state-variable: "GITHUB_STATE" must not start with GITHUB_ (reserved by GitHub)'
    ],
    [
      'linode previous-token-id not a number',
      { provider: 'linode', 'previous-token-id': 'abc' },
      'previous-token-id: "abc" is not a Linode token ID (a whole number) or "current"'
    ],
    [
      'previous-token-id with a slash',
      { 'previous-token-id': '../x' },
      'previous-token-id: "../x" is not a Vercel token ID (letters, digits, "_" or "-") or "current"'
    ],
    [
      'keep-previous negative',
      { 'keep-previous': '-1' },
      'keep-previous: "-1" is not a whole number from 0 to 10'
    ],
    [
      'keep-previous too large',
      { 'keep-previous': '11' },
      'keep-previous: "11" is not a whole number from 0 to 10'
    ],
    [
      'keep-previous word',
      { 'keep-previous': 'one' },
      'keep-previous: "one" is not a whole number from 0 to 10'
    ],
    [
      'unknown secret-type',
      { 'secret-type': 'pages' },
      'secret-type: "pages" is not one of actions, dependabot, codespaces'
    ],
    [
      'unknown visibility',
      { organization: 'octo', visibility: 'public' },
      'visibility: "public" is not one of all, private, selected'
    ],
    ['visibility without organization', { visibility: 'all' }, 'visibility applies only with organization'],
    [
      'environment with organization',
      { organization: 'octo', environment: 'prod' },
      'environment cannot be combined with organization: organisation secrets have no environments'
    ],
    [
      'selected without repositories',
      { organization: 'octo', visibility: 'selected' },
      'visibility: "selected" needs repositories: the owner/repo list that may use the organisation secret'
    ],
    [
      'organization with repositories but not selected',
      { organization: 'octo', repositories: 'octo/app' },
      'repositories with organization lists the repositories selected to use the secret: set visibility: selected, or leave repositories out'
    ],
    [
      'environment with dependabot',
      { environment: 'prod', 'secret-type': 'dependabot' },
      'environment secrets are Actions secrets only; secret-type dependabot cannot be used with environment'
    ],
    [
      'bad organization',
      { organization: 'octo/app' },
      'organization: "octo/app" is not a GitHub organisation name (letters, digits and "-")'
    ],
    [
      'environment too long',
      { environment: 'e'.repeat(256) },
      `environment: "${'e'.repeat(57)}..." is not an environment name (at most 255 printable characters)`
    ],
    [
      'request-timeout zero',
      { 'request-timeout': '0' },
      'request-timeout: "0" is not a whole number of seconds from 1 to 300'
    ],
    [
      'request-timeout with unit',
      { 'request-timeout': '30s' },
      'request-timeout: "30s" is not a whole number of seconds from 1 to 300'
    ],
    ['unknown mode', { mode: 'renew' }, 'mode: "renew" is not one of rotate, check'],
    [
      'warn-before without unit',
      { 'warn-before': '2' },
      'warn-before: "2" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
    ],
    ['dry-run yes', { 'dry-run': 'yes' }, 'dry-run: "yes" is not a boolean; use true or false'],
    ['output-token 1', { 'output-token': '1' }, 'output-token: "1" is not a boolean; use true or false'],
    [
      'no GITHUB_REPOSITORY',
      {},
      'GITHUB_REPOSITORY: "" is not owner/repo; run inside GitHub Actions or set it',
      { GITHUB_REPOSITORY: '' }
    ],
    [
      'plain-http GITHUB_API_URL',
      {},
      'GITHUB_API_URL: "http://ghes.invalid/api/v3" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])',
      { GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'http://ghes.invalid/api/v3' }
    ],
    [
      'very long repository',
      { repositories: `octo/${'r'.repeat(5000)}` },
      `repositories: "octo/${'r'.repeat(52)}..." is not owner/repo`
    ],
    [
      'lifetime with too many digits',
      { lifetime: '99999999d' },
      'lifetime: "99999999d" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
    ],
    ['unicode repository', { repositories: 'octo/ąpp' }, 'repositories: "octo/?pp" is not owner/repo'],
    [
      'github-token with a newline',
      { 'github-token': 'ghp_abc\nghp_def' },
      'github-token contains white space or a line break; check the secret it comes from'
    ],
    // Issue 12 (13): names that are path segments, not GitHub names, never reach an API path.
    [
      'repository named ..',
      { repositories: 'octo/..' },
      'repositories: "octo/.." is not owner/repo: "." and ".." are not repository names'
    ],
    [
      'repository named .',
      { repositories: 'octo/app, octo/.' },
      'repositories: "octo/." is not owner/repo: "." and ".." are not repository names'
    ],
    [
      'GITHUB_REPOSITORY naming ..',
      {},
      'GITHUB_REPOSITORY: "octo/.." is not owner/repo: "." and ".." are not repository names; run inside GitHub Actions or set it',
      { GITHUB_REPOSITORY: 'octo/..' }
    ],
    [
      'environment ..',
      { environment: '..' },
      'environment: ".." is not an environment name: "." and ".." are not allowed, as the name or as a part of it between "/"'
    ],
    [
      'environment .',
      { environment: '.' },
      'environment: "." is not an environment name: "." and ".." are not allowed, as the name or as a part of it between "/"'
    ],
    [
      'environment with a .. part',
      { environment: 'prod/../x' },
      'environment: "prod/../x" is not an environment name: "." and ".." are not allowed, as the name or as a part of it between "/"'
    ],
    [
      'organization ..',
      { organization: '..' },
      'organization: ".." is not a GitHub organisation name (letters, digits and "-")'
    ],
    // Issue 12 (14): an organisation secret can select only the organisation's own repositories.
    [
      'selected repository of another owner',
      {
        organization: 'octo',
        visibility: 'selected',
        repositories: 'octo/app, other/web, Octo/api, else/x'
      },
      'repositories: "other/web", "else/x" are not owned by organization "octo"; an organisation secret can be selected only for repositories of its own organisation'
    ],
    // Issue 12 (6): a credential given as another input is refused, and never echoed.
    [
      'secret-name equal to provider-token',
      { 'secret-name': 'vcp_abcdefghijklmnopqrstuvwx' },
      CREDENTIAL_LOOKALIKE('secret-name')
    ],
    [
      'environment equal to github-token, other case',
      { environment: 'GITHUB_PAT_123456789' },
      CREDENTIAL_LOOKALIKE('environment')
    ],
    [
      'token-name containing provider-token',
      { 'token-name': 'rotated VCP_abcdefghijklmnopqrstuvwx' },
      CREDENTIAL_LOOKALIKE('token-name')
    ],
    [
      'repositories equal to provider-token',
      { repositories: 'vcp_abcdefghijklmnopqrstuvwx' },
      CREDENTIAL_LOOKALIKE('repositories')
    ],
    [
      'state-variable equal to github-token',
      { 'state-variable': ' github_pat_123456789 ' },
      CREDENTIAL_LOOKALIKE('state-variable')
    ],
    [
      'GITHUB_REPOSITORY containing github-token',
      {},
      CREDENTIAL_LOOKALIKE('GITHUB_REPOSITORY'),
      { GITHUB_REPOSITORY: 'octo/github_pat_123456789' }
    ]
  ] as [string, Record<string, string>, string, Record<string, string | undefined>?][]
).map(([name, overrides, problem, env]) => ({ name, overrides, problem, env }));
