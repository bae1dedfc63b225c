import { createHttpClient } from '../../src/http.js';
import { providers, type Provider, type ProviderName, type TokenOwner } from '../../src/providers/index.js';
import { Redactor } from '../../src/redact.js';
import type { ProviderSim } from '../../sim/index.js';
import { KITS, kitOf } from './kit/index.js';

/** Every provider the shared suites run: each one with a kit. */
export const PROVIDERS = Object.keys(KITS) as ProviderName[];

export function startProviderSim(name: ProviderName): Promise<ProviderSim> {
  return kitOf(name).start();
}

export interface ClientUnderTest {
  provider: Provider;
  sleeps: number[];
  redactor: Redactor;
}

/** The real provider client against a simulator; sleeps are recorded, not waited. */
export function clientFor(
  name: ProviderName,
  sim: ProviderSim,
  actingToken: string,
  owner: TokenOwner | undefined = kitOf(name).owner
): ClientUnderTest {
  const sleeps: number[] = [];
  const redactor = new Redactor();
  redactor.add(actingToken);
  const baseUrl = sim.apiUrl;
  const http = createHttpClient({
    baseUrl,
    token: actingToken,
    redactor,
    timeoutMs: 2000,
    retryAfterStatuses: providers[name].retryAfterStatuses,
    sleep: async (ms) => {
      sleeps.push(ms);
    }
  });
  const provider = providers[name].create({ baseUrl, actingToken, http, owner });
  return { provider, sleeps, redactor };
}
