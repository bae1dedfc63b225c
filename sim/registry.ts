/** Every provider simulator by provider name: `npm run sim`, the demo and the bench start them from here. */
import { startCloudflareSim } from './cloudflare.js';
import { startDatabricksSim } from './databricks.js';
import { startHerokuSim } from './heroku.js';
import { startLinodeSim } from './linode.js';
import { startTerraformSim } from './terraform.js';
import type { ProviderSim } from './provider.js';
import type { SimOptions } from './server.js';
import { startVercelSim } from './vercel.js';

export const PROVIDER_SIMS = {
  vercel: startVercelSim,
  databricks: startDatabricksSim,
  linode: startLinodeSim,
  cloudflare: startCloudflareSim,
  terraform: startTerraformSim,
  heroku: startHerokuSim
} satisfies Record<string, (opts?: SimOptions) => Promise<ProviderSim>>;

export type SimulatedProvider = keyof typeof PROVIDER_SIMS;
