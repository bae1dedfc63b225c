import { startDatabricksSim } from '../../../sim/index.js';
import type { ProviderKit } from './types.js';

export const databricksKit: ProviderKit = {
  name: 'databricks',
  start: startDatabricksSim,
  create: { method: 'POST', path: '/api/2.0/token/create' },
  // The preflight lists too: the verify is the second list.
  verify: { method: 'GET', path: '/api/2.0/token/list', skip: 1 },
  revoke: { method: 'POST', path: /^\/api\/2\.0\/token\/delete$/ },
  // The ID travels in the body.
  revokedIdOf: (r) =>
    r.method === 'POST' && r.pathname === '/api/2.0/token/delete'
      ? String((r.body as { token_id?: unknown } | undefined)?.token_id)
      : undefined,
  list: { path: '/api/2.0/token/list', array: ['token_infos'], id: ['token_id'] },
  reads: [
    { call: 'list', method: 'GET', path: '/api/2.0/token/list' },
    { call: 'checkAccess', method: 'GET', path: '/api/2.0/token/list' },
    { call: 'verify', method: 'GET', path: '/api/2.0/token/list' },
    { call: 'create', method: 'POST', path: '/api/2.0/token/create' }
  ],
  createdId: ['token_info', 'token_id'],
  expiry: ['token_info', 'expiry_time'],
  malformedListedId: '../../x',
  unknownId: 'tok_missing1',
  authFailure: { status: 403, body: { error_code: 403, message: 'Invalid access token.' } },
  errorBody: (status, message) => ({
    error_code: status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_PARAMETER_VALUE',
    message
  })
};
