import type { ProviderName } from '../src/providers/index.js';
import { checkExchanges } from './helpers/contracts-openapi.js';
import { answerProblems } from './helpers/contracts-providers.js';
import { kitOf } from './helpers/kit/index.js';
import { REPO, SECRET, startWorld } from './helpers/world.js';

/**
 * The contract checks must see drift: each case renames one field in one answer of a simulator
 * (a `rewrite` fault), runs the action through it, and expects the check the contract suites apply
 * to every answer to name that field. If a check went blind (a schema loosened, a model swapped
 * for `unknown`), its case here fails.
 */
type Json = Record<string, unknown>;
const renamed =
  (from: string, to: string, inside?: string) =>
  (body: unknown): unknown => {
    const outer = body as Json;
    const obj = (inside ? outer[inside] : outer) as Json;
    const { [from]: value, ...rest } = obj;
    const drifted = { ...rest, [to]: value };
    return inside ? { ...outer, [inside]: drifted } : drifted;
  };

/** Per provider, a field of the create answer to rename, and what the check must then say. */
const cases: { provider: ProviderName; rewrite: (body: unknown) => unknown; problem: RegExp }[] = [
  {
    provider: 'vercel',
    rewrite: renamed('bearerToken', 'bearer_token'),
    problem: /required value\(s\) missing, defaulted to zero by the SDK/
  },
  {
    provider: 'databricks',
    rewrite: renamed('token_id', 'tokenId', 'token_info'),
    problem: /\/token_info must have required property 'token_id'/
  },
  {
    provider: 'linode',
    rewrite: renamed('expiry', 'expires'),
    problem: /must have required property 'expiry'/
  }
];

describe('a renamed field in an answer fails the contract checks', () => {
  test.each(cases)('$provider: the create answer', async ({ provider, rewrite, problem }) => {
    const world = await startWorld(provider);
    try {
      world.sim.fault({ ...kitOf(provider).create, rewrite });
      const plan = kitOf(provider).plan ?? {};
      const report = await world.run(plan);
      const drifted = world.sim.requests.filter((r) => r.faulted);
      expect(drifted).toHaveLength(1);
      expect(answerProblems(drifted[0]!)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
      // The answers the fault left alone still pass.
      for (const r of world.sim.requests.filter((x) => !x.faulted && x.status < 300))
        expect(answerProblems(r)).toEqual([]);
      // Whatever the action made of it, nothing is lost: the secret, if written, holds a live token,
      // and a failed run leaves no token of this rotation live.
      const held = world.github.secretValue(REPO, SECRET);
      expect(held === undefined || world.sim.isLive(held)).toBe(true);
      if (report.outcome !== 'rotated')
        expect(world.sim.liveTokens().map((t) => t.id)).toEqual([world.acting.id]);
    } finally {
      await world.close();
    }
  });

  test('GitHub: GET public-key answering keyid instead of key_id', async () => {
    const world = await startWorld('vercel');
    try {
      world.github.fault({
        method: 'GET',
        path: `/repos/${REPO}/actions/secrets/public-key`,
        rewrite: renamed('key_id', 'keyid')
      });
      const report = await world.run();
      expect(checkExchanges(world.github.requests)).toEqual([
        expect.stringContaining("response 200 must have required property 'key_id'"),
        expect.stringContaining('must NOT have additional properties {"additionalProperty":"keyid"}'),
        // What the action then sent is caught too; GitHub refused it (422) and nothing was lost.
        expect.stringContaining(
          "PUT /repos/octo/app/actions/secrets/API_TOKEN → 422: request body must have required property 'key_id'"
        )
      ]);
      expect(report.outcome).toBe('failed');
      expect(world.github.secretValue(REPO, SECRET)).toBeUndefined();
      expect(world.sim.liveTokens().map((t) => t.id)).toEqual([world.acting.id]);
    } finally {
      await world.close();
    }
  });
});
