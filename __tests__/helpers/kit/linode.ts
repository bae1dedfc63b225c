import { startLinodeSim } from '../../../sim/index.js';
import type { ProviderKit } from './types.js';

const TOKENS = '/v4/profile/tokens/';

export const linodeKit: ProviderKit = {
  name: 'linode',
  start: startLinodeSim,
  create: { method: 'POST', path: '/v4/profile/tokens' },
  // The preflight lists tokens; the verify is the profile, which needs no scope.
  verify: { method: 'GET', path: '/v4/profile', skip: 0 },
  revoke: { method: 'DELETE', path: /^\/v4\/profile\/tokens\/[^/]+$/ },
  revokedIdOf: (r) =>
    r.method === 'DELETE' && r.pathname.startsWith(TOKENS)
      ? decodeURIComponent(r.pathname.slice(TOKENS.length))
      : undefined,
  list: { path: '/v4/profile/tokens', array: ['data'], id: ['id'] },
  reads: [
    { call: 'list', method: 'GET', path: '/v4/profile/tokens' },
    { call: 'checkAccess', method: 'GET', path: '/v4/profile/tokens' },
    { call: 'verify', method: 'GET', path: '/v4/profile' },
    { call: 'create', method: 'POST', path: '/v4/profile/tokens' }
  ],
  createdId: ['id'],
  expiry: ['expiry'],
  malformedListedId: -1,
  unknownId: '999999',
  authFailure: { status: 401, body: { errors: [{ reason: 'Invalid Token' }] } },
  errorBody: (_status, message) => ({ errors: [{ reason: message }] }),
  plan: { scopes: 'account:read_write' }
};
