/** Where an error sends the user: sections of the README on the action's home page. */
export const DOCS_URL = 'https://github.com/ci-token-rotator/ci-token-rotator';

/** Section → the anchor GitHub gives its heading. A test checks each against README.md. */
export const DOCS_SECTIONS = {
  inputs: 'inputs',
  github: 'github-github-token',
  vercel: 'vercel-provider-vercel',
  databricks: 'databricks-provider-databricks',
  linode: 'linode-provider-linode',
  cloudflare: 'cloudflare-provider-cloudflare',
  terraform: 'hcp-terraform-provider-terraform',
  heroku: 'heroku-provider-heroku',
  targets: 'secret-targets',
  howItWorks: 'how-it-works',
  faults: 'what-happens-when',
  expiry: 'expiry-health-check',
  troubleshooting: 'troubleshooting'
} as const;

export type DocsSection = keyof typeof DOCS_SECTIONS;

export function docsLink(section: DocsSection): string {
  return `${DOCS_URL}#${DOCS_SECTIONS[section]}`;
}

/** " See <link>." to end a message with. */
export function seeDocs(section: DocsSection): string {
  return ` See ${docsLink(section)}`;
}
