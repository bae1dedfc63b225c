import { randomUUID } from 'node:crypto';
import { seeDocs } from '../docs.js';
import type { LockPort } from '../github/lock-store.js';
import { messageOf } from './wording.js';
import type { Step } from './types.js';

/**
 * One rotation, one owner. A run creates the lock variable before its first change and deletes it
 * after its last; a second run finds it and stops before changing anything. A lock is taken over
 * only when its lease has run out, or when it was left by an earlier attempt of the same workflow
 * run (GitHub starts attempt n+1 only once attempt n has ended, so that one is over).
 */
export interface RotationLock {
  port: LockPort;
  /** GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT, when running in Actions. */
  run?: { id: string; attempt: number };
  /** How long a lock is honoured; a run never starts a step it could not finish within it. */
  leaseMs: number;
  /** The longest one step may take (its requests' timeouts and retries). */
  stepBudgetMs: number;
}

export interface HeldLock {
  nonce: string;
  expiresAt: number;
  /** Set when another run was found holding it: then it is not ours to release. */
  lost?: boolean;
}

interface LockRecord {
  version: 1;
  nonce: string;
  run_id: string | null;
  run_attempt: number | null;
  acquired_at: string;
  expires_at: string;
}

function readRecord(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    const ok =
      r?.version === 1 &&
      typeof r.nonce === 'string' &&
      (r.run_id === null || (typeof r.run_id === 'string' && /^\d{1,20}$/.test(r.run_id))) &&
      (r.run_attempt === null || Number.isInteger(r.run_attempt)) &&
      typeof r.acquired_at === 'string' &&
      typeof r.expires_at === 'string' &&
      !Number.isNaN(Date.parse(r.expires_at));
    return ok ? (r as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: may this run take over a lock found in place? */
export function isStale(record: LockRecord, nowMs: number, run: RotationLock['run']): boolean {
  if (Date.parse(record.expires_at) <= nowMs) return true;
  return !!run && record.run_id === run.id && record.run_attempt !== null && record.run_attempt < run.attempt;
}

function describeHolder(r: LockRecord): string {
  const who = r.run_id ? `workflow run ${r.run_id} (attempt ${r.run_attempt})` : 'a run outside Actions';
  return `${who}, since ${r.acquired_at}, until ${r.expires_at}`;
}

const refusal = (lock: RotationLock, why: string) =>
  `Another run of this rotation ${why}: at most one run may change a rotation, so this run changed nothing. Give the workflow a concurrency: group so rotations never overlap. If no other rotation is in progress (a cancelled or crashed run), re-run that run's failed job, wait until its lock expires, or delete ${lock.port.label}.${seeDocs('faults')}.`;

export async function acquireLock(
  lock: RotationLock,
  now: () => Date,
  errors: string[]
): Promise<Step<{ held: HeldLock }>> {
  const nonce = randomUUID();
  const start = now().getTime();
  const held: HeldLock = { nonce, expiresAt: start + lock.leaseMs };
  const record: LockRecord = {
    version: 1,
    nonce,
    run_id: lock.run?.id ?? null,
    run_attempt: lock.run?.attempt ?? null,
    acquired_at: new Date(start).toISOString(),
    expires_at: new Date(held.expiresAt).toISOString()
  };
  const text = JSON.stringify(record);
  const stop = (why: string) => {
    errors.push(refusal(lock, why));
    return { ok: false as const, leftAs: 'Nothing was changed: another run owns this rotation.' };
  };
  try {
    if (await lock.port.create(text)) return { ok: true, held };
    const found = await lock.port.read();
    const other = found === undefined ? undefined : readRecord(found);
    // Our own create, retried after its answer was lost, finds our own lock.
    if (other?.nonce === nonce) return { ok: true, held };
    if (found !== undefined && !other)
      return stop(`may hold the lock: ${lock.port.label} holds something ci-token-rotator did not write`);
    if (other && !isStale(other, now().getTime(), lock.run))
      return stop(`holds the lock ${lock.port.label} (${describeHolder(other)})`);
    if (other) await lock.port.remove();
    if (await lock.port.create(text)) return { ok: true, held };
    return stop(`took the lock ${lock.port.label} at the same moment`);
  } catch (err) {
    errors.push(messageOf(err));
    // A create without a definite answer may have made the lock: never leave our own behind.
    await removeIfOurs(lock.port, nonce);
    return {
      ok: false,
      leftAs: 'Nothing was changed: the rotation lock could not be taken. Fix the cause above and run again.'
    };
  }
}

async function removeIfOurs(port: LockPort, nonce: string): Promise<void> {
  try {
    const found = await port.read();
    if (found !== undefined && readRecord(found)?.nonce === nonce) await port.remove();
  } catch {
    // Best effort: a lock left behind expires with its lease.
  }
}

/**
 * Whether the lock still holds this run's nonce. Two runs that took over the same expired lock at
 * the same moment (each removed it, then created its own) both think they hold it; read beside
 * the verify, before the first change a secret sees, this catches the one that lost. A failed
 * read is no evidence either way.
 */
export async function lockStillOurs(lock: RotationLock, held: HeldLock): Promise<boolean> {
  try {
    const found = await lock.port.read();
    return found !== undefined && readRecord(found)?.nonce === held.nonce;
  } catch {
    return true;
  }
}

/** Never start a step that might outlast the lease: past it, another run may take over. */
export function leaseCovers(lock: RotationLock, held: HeldLock, nowMs: number): boolean {
  return held.expiresAt - nowMs >= lock.stepBudgetMs;
}

/** Best effort: a lock left behind expires with its lease. */
export async function releaseLock(
  lock: RotationLock,
  held: HeldLock,
  now: () => Date
): Promise<string | undefined> {
  if (held.lost || held.expiresAt <= now().getTime()) return undefined;
  try {
    await lock.port.remove();
    return undefined;
  } catch (err) {
    return `Releasing the rotation lock failed (${messageOf(err)}); it expires at ${new Date(held.expiresAt).toISOString()}, or delete ${lock.port.label}.`;
  }
}
