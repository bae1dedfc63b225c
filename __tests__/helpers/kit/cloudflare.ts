import { PERMISSION_GROUPS, startCloudflareSim, type CloudflareSim } from '../../../sim/cloudflare.js';
import type { ProviderKit } from './types.js';

const BASE = '/client/v4';
const TOKENS = `${BASE}/user/tokens`;
const REVOKE = /^\/client\/v4\/user\/tokens\/([0-9a-f]{32})$/;

/** Cloudflare, user-owned tokens (the account family runs in providers.cloudflare.test.ts). */
export const cloudflareKit: ProviderKit = {
  name: 'cloudflare',
  // The shared suites mint hundreds of tokens without revoking them; the quota of 50 user tokens
  // has its own test in providers.cloudflare.test.ts.
  start: async (opts) => {
    const sim = await startCloudflareSim(opts);
    sim.userQuota = Infinity;
    return sim;
  },
  // A deploy token: Workers Scripts Write on the account, and the right to mint its successor.
  permissions: {
    issueNarrow: (sim, name) => {
      const cf = sim as CloudflareSim;
      const workers = {
        effect: 'allow' as const,
        permission_groups: [{ id: PERMISSION_GROUPS.workersScriptsWrite }],
        resources: { [`com.cloudflare.api.account.${cf.accountId}`]: '*' }
      };
      return cf.issueToken({ name, policies: [workers, ...cf.tokenManagerPolicies(null)] });
    },
    of: (sim, id) => (sim as CloudflareSim).policiesOf(id)
  },
  create: { method: 'POST', path: TOKENS },
  // checkAccess verifies the acting token first; create reuses its ID.
  verify: { method: 'GET', path: `${TOKENS}/verify`, skip: 1 },
  revoke: { method: 'DELETE', path: REVOKE },
  revokedIdOf: (r) => (r.method === 'DELETE' ? REVOKE.exec(r.pathname)?.[1] : undefined),
  list: { path: TOKENS, array: ['result'], id: ['id'] },
  // create also reads GET /user/tokens/{id} (the permissions it copies), whose path holds an ID.
  reads: [
    { call: 'list', method: 'GET', path: TOKENS },
    { call: 'checkAccess', method: 'GET', path: TOKENS },
    { call: 'checkAccess', method: 'GET', path: `${TOKENS}/verify` },
    { call: 'verify', method: 'GET', path: `${TOKENS}/verify` },
    { call: 'create', method: 'POST', path: TOKENS }
  ],
  createdId: ['result', 'id'],
  expiry: ['result', 'expires_on'],
  malformedListedId: '../../x',
  unknownId: 'f'.repeat(32),
  authFailure: {
    status: 401,
    body: {
      success: false,
      errors: [{ code: 1000, message: 'Invalid API Token' }],
      messages: [],
      result: null
    }
  },
  errorBody: (_status, message) => ({
    success: false,
    errors: [{ code: 1001, message }],
    messages: [],
    result: null
  })
};
