import { outputsOf, renderSummary } from '../src/report.js';
import type { RotationReport } from '../src/rotate.js';

const now = new Date('2026-11-22T09:00:00Z');
const base: RotationReport = {
  outcome: 'rotated',
  dryRun: false,
  token: {
    id: 'tok_new',
    name: 'ci-token-rotator:octo/app:API_TOKEN',
    expiresAt: new Date('2026-11-29T09:00:00.500Z')
  },
  tokenValue: 'vcp_secret_value_never_shown',
  previousTokenId: 'tok_old',
  targets: [
    { label: 'octo/app:API_TOKEN', kind: 'repository secret', outcome: 'updated' },
    { label: 'org:octo:API_TOKEN', kind: 'organization secret', outcome: 'created' }
  ],
  revocations: [
    { id: 'tok_old', outcome: 'revoked' },
    { id: 'tok_lost', outcome: 'revoked', orphan: true }
  ],
  kept: [],
  errors: [],
  leftAs: 'Every target holds the new token tok_new; the state records it.'
};

test('outputs: ISO expiry to the second, revoked IDs, written secrets as JSON', () => {
  expect(outputsOf(base)).toEqual({
    'token-id': 'tok_new',
    'token-name': 'ci-token-rotator:octo/app:API_TOKEN',
    'expires-at': '2026-11-29T09:00:00Z',
    'previous-token-id': 'tok_old',
    'revoked-token-ids': 'tok_old,tok_lost',
    secrets: '["octo/app:API_TOKEN","org:octo:API_TOKEN"]'
  });
});

test('a rotation summary: provider, token, expiry in days, targets, revocations; never the value', () => {
  const md = renderSummary(base, { providerLabel: 'Vercel', now });
  expect(md).toContain('## ✅ Vercel token rotated');
  expect(md).toContain('| provider | Vercel |');
  expect(md).toContain('| expires | 2026-11-29T09:00:00Z (in 7 days) |');
  expect(md).toContain('| org:octo:API_TOKEN | organization secret | ✅ created |');
  expect(md).toContain('| tok_lost (orphan of an earlier run) | ✅ revoked |');
  expect(md).not.toContain('vcp_secret_value_never_shown');
  expect(md).not.toContain('What now');
});

test('a failed rotation says what is pending and what to do next', () => {
  const md = renderSummary(
    {
      ...base,
      outcome: 'failed',
      targets: [base.targets[0]!, { ...base.targets[1]!, outcome: 'failed', error: 'GitHub: … HTTP 403' }],
      revocations: [],
      kept: ['tok_kept'],
      errors: ['GitHub: … HTTP 403'],
      leftAs: 'Fix the cause and re-run.'
    },
    { providerLabel: 'Vercel', now }
  );
  expect(md).toContain('## ❌ Vercel token rotation failed');
  expect(md).toContain('- org:octo:API_TOKEN: still holds the previous token; the next run writes it');
  expect(md).toContain('- tok_kept: kept alive by keep-previous; revoked by a later rotation');
  expect(md).toContain('### What now\n\nFix the cause and re-run.');
});

test('a dry run is headed as a plan and says which secrets would be created or updated', () => {
  const md = renderSummary(
    {
      ...base,
      outcome: 'planned',
      dryRun: true,
      token: { ...base.token!, id: '(new)' },
      targets: [
        { ...base.targets[0]!, outcome: 'would update' },
        { ...base.targets[1]!, outcome: 'would create' }
      ],
      revocations: [{ id: 'tok_old', outcome: 'would revoke' }]
    },
    { providerLabel: 'Vercel', now }
  );
  expect(md).toContain('## 📝 Vercel token rotation plan (dry run: nothing was changed)');
  expect(md).toContain('| token to create | (new) |');
  expect(md).toContain('| octo/app:API_TOKEN | repository secret | 📝 would update |');
  expect(md).toContain('| org:octo:API_TOKEN | organization secret | 📝 would create |');
  expect(md).toContain('| tok_old | 📝 would revoke |');
});
