import { successorOf, type SuccessorInput } from '../src/protocol/successor.js';
import type { RotationState } from '../src/state.js';

const NAME = 'ci-token-rotator:octo/app:API_TOKEN';
const token = (id: string, name = NAME) => ({ id, name, createdAt: null, expiresAt: null });
const state = (tokenId: string) => ({ tokenId }) as RotationState;
const base: SuccessorInput = {
  tokenName: NAME,
  live: [token('admin', 'admin'), token('deploy-1')],
  actingTokenId: 'admin',
  copiesPermissions: true,
  stateLabel: 'variable X in octo/app'
};

describe('the token a new one succeeds (whose permissions it copies)', () => {
  test('previous-token-id first, then the live current token of the state', () => {
    expect(successorOf({ ...base, explicitPrevious: 'admin', state: state('deploy-1') })).toEqual({
      replacing: 'admin'
    });
    expect(successorOf({ ...base, state: state('deploy-1') })).toEqual({ replacing: 'deploy-1' });
  });

  test("a self-rotation whose state fell behind its secret: the acting token, being this rotation's", () => {
    const live = [token('deploy-2')];
    expect(successorOf({ ...base, live, actingTokenId: 'deploy-2', state: state('deploy-1') })).toEqual({
      replacing: 'deploy-2'
    });
  });

  test("a first run: null, the provider copies the acting token's", () => {
    expect(successorOf(base)).toEqual({ replacing: null });
  });

  test("a broken chain with an admin provider-token is refused where permissions are copied, never the admin's", () => {
    const result = successorOf({ ...base, live: [token('admin', 'admin')], state: state('deploy-1') });
    expect(result).toEqual({
      problem: expect.stringMatching(/records token deploy-1 .* no longer live.*previous-token-id/)
    });
    expect(
      successorOf({
        ...base,
        live: [token('admin', 'admin')],
        state: state('deploy-1'),
        copiesPermissions: false
      })
    ).toEqual({
      replacing: null
    });
  });

  test('a dead token is never passed on, whatever the inputs', () => {
    // The state's current token has passed trust.ts: this rotation's, never the admin's.
    const ids = ['admin', 'deploy-1', 'gone', undefined];
    for (const current of ids.filter((id) => id !== 'admin'))
      for (const acting of ids)
        for (const copies of [true, false]) {
          const result = successorOf({
            ...base,
            state: current ? state(current) : undefined,
            actingTokenId: acting ?? null,
            copiesPermissions: copies
          });
          if ('replacing' in result && result.replacing !== null)
            expect(base.live.map((t) => t.id)).toContain(result.replacing);
          if ('replacing' in result && result.replacing === 'admin')
            throw new Error('the admin token was chosen');
        }
  });
});
