import { BOT_USER_ID, startTerraformSim } from '../../../sim/terraform.js';
import type { ProviderKit } from './types.js';

const USER_TOKENS = `/api/v2/users/${BOT_USER_ID}/authentication-tokens`;
const ACCOUNT = '/api/v2/account/details';
const REVOKE = /^\/api\/v2\/authentication-tokens\/([^/]+)$/;

/** HCP Terraform, user tokens of the simulator's bot user (the default without token-owner). */
export const terraformKit: ProviderKit = {
  name: 'terraform',
  start: startTerraformSim,
  create: { method: 'POST', path: USER_TOKENS },
  // checkAccess reads account/details once (the user ID is kept); verify is the next one.
  verify: { method: 'GET', path: ACCOUNT, skip: 1 },
  revoke: { method: 'DELETE', path: REVOKE },
  revokedIdOf: (r) => (r.method === 'DELETE' ? REVOKE.exec(r.pathname)?.[1] : undefined),
  list: { path: USER_TOKENS, array: ['data'], id: ['id'] },
  reads: [
    { call: 'list', method: 'GET', path: USER_TOKENS },
    { call: 'checkAccess', method: 'GET', path: ACCOUNT },
    { call: 'checkAccess', method: 'GET', path: USER_TOKENS },
    { call: 'verify', method: 'GET', path: ACCOUNT },
    { call: 'create', method: 'POST', path: USER_TOKENS }
  ],
  createdId: ['data', 'id'],
  expiry: ['data', 'attributes', 'expired-at'],
  malformedListedId: '../../x',
  unknownId: 'at-0000000000000000',
  authFailure: { status: 401, body: { errors: [{ status: '401', title: 'unauthorized' }] } },
  errorBody: (status, message) => ({ errors: [{ status: String(status), title: message }] })
};
