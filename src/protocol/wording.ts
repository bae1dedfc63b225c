// Small wording helpers the protocol's steps share.

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function describeIds(ids: string[]): string {
  return ids.length === 0 ? 'no tokens' : ids.join(', ');
}

export const NOTHING_CHANGED =
  'Nothing was changed: no token was created and no secret or state was written. Fix the cause above and run again.';
