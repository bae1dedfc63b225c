import { planRevocations, revocationBatches } from '../src/revocations.js';
import type { RotationState } from '../src/state.js';
import { parseState, serializeState } from '../src/state.js';

const state = (over: Partial<RotationState> = {}): RotationState => ({
  provider: 'vercel',
  tokenId: 'A',
  tokenName: 'n',
  expiresAt: null,
  rotatedAt: '2026-01-01T00:00:00.000Z',
  previous: null,
  kept: [],
  revoke: [],
  incomplete: [],
  named: {},
  ...over
});

describe('planRevocations', () => {
  test('first run: nothing to revoke', () => {
    expect(planRevocations({ keepPrevious: 0 })).toEqual({ previous: undefined, kept: [], revoke: [] });
  });
  test('keep-previous 0 revokes the recorded token', () => {
    expect(planRevocations({ state: state(), keepPrevious: 0 })).toEqual({
      previous: 'A',
      kept: [],
      revoke: ['A']
    });
  });
  test('keep-previous 1 keeps the recorded token and revokes the one kept before', () => {
    expect(planRevocations({ state: state({ kept: ['Z'] }), keepPrevious: 1 })).toEqual({
      previous: 'A',
      kept: ['A'],
      revoke: ['Z']
    });
  });
  test('owed revocations are carried over', () => {
    expect(planRevocations({ state: state({ revoke: ['X'] }), keepPrevious: 0 }).revoke).toEqual(['X', 'A']);
  });
  test('an explicit previous replaces the recorded one, which is revoked too', () => {
    expect(planRevocations({ state: state(), explicitPrevious: 'B', keepPrevious: 0 })).toEqual({
      previous: 'B',
      kept: [],
      revoke: ['A', 'B']
    });
  });
  test('an explicit previous equal to the recorded one is revoked once', () => {
    expect(planRevocations({ state: state(), explicitPrevious: 'A', keepPrevious: 0 }).revoke).toEqual(['A']);
  });
});

describe('revocationBatches', () => {
  test('the acting token goes last, alone', () => {
    expect(revocationBatches(['A', 'B', 'C'], 'B')).toEqual([['A', 'C'], ['B']]);
  });
  test('one batch when the acting token is not revoked or is alone', () => {
    expect(revocationBatches(['A', 'C'], 'B')).toEqual([['A', 'C']]);
    expect(revocationBatches(['B'], 'B')).toEqual([['B']]);
    expect(revocationBatches([], null)).toEqual([]);
  });
});

describe('state', () => {
  test('round-trips and holds no value field', () => {
    const text = serializeState(state({ kept: ['K'], revoke: ['R'] }));
    expect(JSON.parse(text)).toEqual({
      version: 1,
      provider: 'vercel',
      token_id: 'A',
      token_name: 'n',
      expires_at: null,
      rotated_at: '2026-01-01T00:00:00.000Z',
      previous: null,
      kept: ['K'],
      revoke: ['R'],
      incomplete: []
    });
    expect(parseState(text, 'vercel').state).toEqual(state({ kept: ['K'], revoke: ['R'] }));
  });
  test.each([
    ['not json', 'is not JSON written by ci-token-rotator'],
    ['{"version":2}', 'is not state written by ci-token-rotator (version 1)'],
    [serializeState(state()), 'records a vercel token, not linode; give each rotation its own state-variable']
  ])('rejects %s', (text, problem) => {
    expect(parseState(text, 'linode').problem).toBe(problem);
  });
});
