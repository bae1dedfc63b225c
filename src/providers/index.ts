import { databricks } from './databricks.js';
import { linode } from './linode.js';
import type { ProviderName, ProviderSpec } from './types.js';
import { vercel } from './vercel.js';

export const providers: Record<ProviderName, ProviderSpec> = { vercel, databricks, linode };

export { PROVIDER_NAMES } from './types.js';
export type * from './types.js';
