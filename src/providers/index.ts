import { cloudflare } from './cloudflare.js';
import { databricks } from './databricks.js';
import { heroku } from './heroku.js';
import { linode } from './linode.js';
import { terraform } from './terraform.js';
import type { ProviderName, ProviderSpec } from './types.js';
import { vercel } from './vercel.js';

export const providers: Record<ProviderName, ProviderSpec> = {
  vercel,
  databricks,
  linode,
  cloudflare,
  terraform,
  heroku
};

export { PROVIDER_NAMES } from './types.js';
export type * from './types.js';
