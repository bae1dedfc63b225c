import { startVercelSim } from '../../../sim/index.js';
import type { ProviderKit } from './types.js';

const TOKENS = '/v3/user/tokens/';

export const vercelKit: ProviderKit = {
  name: 'vercel',
  start: startVercelSim,
  create: { method: 'POST', path: '/v3/user/tokens' },
  verify: { method: 'GET', path: '/v5/user/tokens/current', skip: 1 },
  revoke: { method: 'DELETE', path: /^\/v3\/user\/tokens\/[^/]+$/ },
  revokedIdOf: (r) =>
    r.method === 'DELETE' && r.pathname.startsWith(TOKENS)
      ? decodeURIComponent(r.pathname.slice(TOKENS.length))
      : undefined,
  list: { path: '/v6/user/tokens', array: ['tokens'], id: ['id'] },
  reads: [
    { call: 'list', method: 'GET', path: '/v6/user/tokens' },
    { call: 'checkAccess', method: 'GET', path: '/v6/user/tokens' },
    { call: 'checkAccess', method: 'GET', path: '/v5/user/tokens/current' },
    { call: 'verify', method: 'GET', path: '/v5/user/tokens/current' },
    { call: 'create', method: 'POST', path: '/v3/user/tokens' }
  ],
  createdId: ['token', 'id'],
  expiry: ['token', 'expiresAt'],
  malformedListedId: '../../x',
  unknownId: 'tok_missing1',
  authFailure: {
    status: 403,
    body: { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } }
  },
  errorBody: (status, message) => ({
    error: { code: status >= 500 ? 'internal_server_error' : 'bad_request', message }
  })
};
