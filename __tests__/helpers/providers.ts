import { createHttpClient } from '../../src/http.js';
import { providers, type Provider, type ProviderName } from '../../src/providers/index.js';
import { Redactor } from '../../src/redact.js';
import { startDatabricksSim, startLinodeSim, startVercelSim, type ProviderSim } from '../../sim/index.js';

export const PROVIDERS: ProviderName[] = ['vercel', 'databricks', 'linode'];

/** The request that mints a token, per provider. */
export const CREATE_REQUEST: Record<ProviderName, { method: string; path: string }> = {
  vercel: { method: 'POST', path: '/v3/user/tokens' },
  databricks: { method: 'POST', path: '/api/2.0/token/create' },
  linode: { method: 'POST', path: '/v4/profile/tokens' }
};

export function startProviderSim(name: ProviderName): Promise<ProviderSim> {
  return { vercel: startVercelSim, databricks: startDatabricksSim, linode: startLinodeSim }[name]();
}

export interface ClientUnderTest {
  provider: Provider;
  sleeps: number[];
  redactor: Redactor;
}

/** The real provider client against a simulator; sleeps are recorded, not waited. */
export function clientFor(name: ProviderName, sim: ProviderSim, actingToken: string): ClientUnderTest {
  const sleeps: number[] = [];
  const redactor = new Redactor();
  redactor.add(actingToken);
  const http = createHttpClient({
    baseUrl: sim.url,
    token: actingToken,
    redactor,
    timeoutMs: 2000,
    retryAfterStatuses: providers[name].retryAfterStatuses,
    sleep: async (ms) => {
      sleeps.push(ms);
    }
  });
  return { provider: providers[name].create({ baseUrl: sim.url, actingToken, http }), sleeps, redactor };
}
