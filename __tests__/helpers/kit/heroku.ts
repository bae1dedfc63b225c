/** Heroku for the shared suites: OAuth authorizations on the Platform API simulator. */
import { startHerokuSim, type HerokuSim } from '../../../sim/heroku.js';
import type { ProviderKit } from './types.js';

const AUTHORIZATIONS = '/oauth/authorizations';

export const herokuKit: ProviderKit = {
  name: 'heroku',
  // The API lives at the server root (apiUrl = url).
  start: startHerokuSim,
  headers: { accept: 'application/vnd.heroku+json; version=3' },
  // A deploy authorization of scope write (it cannot manage authorizations: an admin rotates it).
  permissions: {
    issueNarrow: (sim, name) => (sim as HerokuSim).issueToken({ name, scope: ['write'] }),
    of: (sim, id) => (sim as HerokuSim).tokens().find((t) => t.id === id)?.scope
  },
  create: { method: 'POST', path: AUTHORIZATIONS },
  // GET /account with the new token; no earlier request of a run goes there.
  verify: { method: 'GET', path: '/account', skip: 0 },
  revoke: { method: 'DELETE', path: /^\/oauth\/authorizations\/[^/]+$/ },
  revokedIdOf: (r) =>
    r.method === 'DELETE' ? /^\/oauth\/authorizations\/([^/]+)$/.exec(r.pathname)?.[1] : undefined,
  // The list answer is the array itself; paging is in headers (Range, Next-Range).
  list: { path: AUTHORIZATIONS, array: [], id: ['id'] },
  reads: [
    { call: 'list', method: 'GET', path: AUTHORIZATIONS },
    { call: 'checkAccess', method: 'GET', path: AUTHORIZATIONS },
    { call: 'verify', method: 'GET', path: '/account' },
    { call: 'create', method: 'POST', path: AUTHORIZATIONS }
  ],
  createdId: ['id'],
  expiry: ['access_token', 'expires_in'],
  malformedListedId: '../../x',
  unknownId: '00000000-0000-4000-8000-000000000000',
  authFailure: { status: 401, body: { id: 'unauthorized', message: 'Invalid credentials provided.' } },
  errorBody: (_status, message) => ({ id: 'bad_request', message })
};
