/** Every provider's kit: the shared suites run each one listed here. */
import type { ProviderName } from '../../../src/providers/index.js';
import { cloudflareKit } from './cloudflare.js';
import { databricksKit } from './databricks.js';
import { herokuKit } from './heroku.js';
import { linodeKit } from './linode.js';
import { terraformKit } from './terraform.js';
import type { ProviderKit } from './types.js';
import { vercelKit } from './vercel.js';

export const KITS: Record<ProviderName, ProviderKit> = {
  vercel: vercelKit,
  databricks: databricksKit,
  linode: linodeKit,
  cloudflare: cloudflareKit,
  terraform: terraformKit,
  heroku: herokuKit
};

export const kitOf = (name: ProviderName): ProviderKit => KITS[name];

export type * from './types.js';
