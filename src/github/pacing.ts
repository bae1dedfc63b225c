/**
 * GitHub's documented secondary rate limits as a budget the client spends before it sends, so a
 * fan-out to many repositories is paced to what GitHub allows instead of slowed after a refusal.
 *
 * - No more than 100 requests in flight at once (REST and GraphQL together).
 * - No more than 900 points a minute to one REST endpoint: 5 for a mutating request (POST, PATCH,
 *   PUT, DELETE), 1 for a read (GET, HEAD, OPTIONS).
 * - Content creation: about 80 requests a minute. GitHub does not say whether writing a secret
 *   counts, so that budget applies only when asked for.
 *
 * A request counts from the moment it is sent until one minute after its answer arrived. GitHub
 * counts it somewhere in between (on arrival), so a request the ledger lets start can never find
 * GitHub's window fuller than the ledger's, whatever the network delays: the margin costs one
 * round trip a minute, not a guess.
 *
 * `Ledger` holds the pure decisions (time passed in); `Pacer` is the small queue over it that the
 * client awaits, with the clock and timer injected.
 */

/** GitHub's numbers (docs.github.com, "Rate limits for the REST API", secondary rate limits). */
export const GITHUB_SECONDARY_LIMITS = {
  maxConcurrent: 100,
  pointsPerMinute: 900,
  writePoints: 5,
  readPoints: 1,
  contentPerMinute: 80
} as const;

export interface PacingBudget {
  /** GitHub's minute in this clock's milliseconds (60 wait units). */
  minuteMs: number;
  /** Points a minute per REST endpoint. */
  pointsPerMinute: number;
  /** Requests in flight at once, across endpoints. */
  maxInFlight: number;
  /** Content-creating requests a minute; undefined: not paced. */
  contentPerMinute?: number;
  /** Least time between the starts of two mutating requests (0: none; see `Ledger.spaceWrites`). */
  writeGapMs?: number;
}

/** What one request spends. */
export interface RequestCost {
  /** Method and path template, e.g. `PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}`. */
  endpoint: string;
  points: number;
  /** A mutating request (POST, PATCH, PUT, DELETE). */
  write: boolean;
  /** Counts toward the content-creation budget (a POST, or a secret write). */
  content: boolean;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The cost of a request, from Octokit's method and URL template (`/repos/{owner}/{repo}/…`, which
 * names the endpoint; a full URL or a query string is reduced to its path).
 */
export function costOf(method: string, url: string): RequestCost {
  const verb = method.toUpperCase();
  const path = (url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '').split('?')[0] ?? '') || '/';
  const read = READS.has(verb);
  return {
    endpoint: `${verb} ${path}`,
    points: read ? GITHUB_SECONDARY_LIMITS.readPoints : GITHUB_SECONDARY_LIMITS.writePoints,
    write: !read,
    content: verb === 'POST' || (verb === 'PUT' && /\/secrets\/[^/]+$/.test(path))
  };
}

/** A request the ledger let start; `finish` it when its answer has arrived (or it failed). */
export interface Ticket {
  readonly cost: RequestCost;
}

interface Entry {
  points: number;
  /** When the answer arrived; undefined while in flight. */
  doneAt?: number;
}

interface Spent extends Ticket {
  endpointEntry: Entry;
  contentEntry?: Entry;
}

/** When a request may start: now, at a time, or once an answer arrives (nothing else frees budget). */
export type When = { at: number } | { at: 'answer' };

/** Requests that count in a sliding minute, at most `cap` units of it. */
class Window {
  readonly entries: Entry[] = [];

  constructor(
    private readonly cap: number,
    private readonly minuteMs: number
  ) {}

  /** Forget answers older than a minute; true when nothing is left. */
  prune(now: number): boolean {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const done = this.entries[i]?.doneAt;
      if (done !== undefined && done + this.minuteMs <= now) this.entries.splice(i, 1);
    }
    return this.entries.length === 0;
  }

  /** When `units` more fit (a request costing more than the cap fits an empty window). */
  when(units: number, now: number): When {
    this.prune(now);
    const need = Math.min(units, this.cap);
    let used = 0;
    let pending = 0;
    for (const e of this.entries) {
      used += e.points;
      if (e.doneAt === undefined) pending += e.points;
    }
    if (used + need <= this.cap) return { at: now };
    if (pending + need > this.cap) return { at: 'answer' };
    const done = this.entries
      .filter((e): e is Required<Entry> => e.doneAt !== undefined)
      .sort((a, b) => a.doneAt - b.doneAt);
    let excess = used + need - this.cap;
    for (const e of done) {
      excess -= e.points;
      if (excess <= 0) return { at: e.doneAt + this.minuteMs };
    }
    return { at: 'answer' }; // not reached: pending + need ≤ cap
  }

  add(points: number): Entry {
    const entry: Entry = { points };
    this.entries.push(entry);
    return entry;
  }
}

const later = (a: When, b: When): When =>
  a.at === 'answer' || b.at === 'answer' ? { at: 'answer' } : { at: Math.max(a.at, b.at) };

/** The budget's state: what is in flight and what was answered within the last minute. */
export class Ledger {
  private readonly endpoints = new Map<string, Window>();
  private readonly content: Window;
  private running = 0;
  private writeGapMs: number;
  private lastWriteAt = -Infinity;

  constructor(readonly budget: PacingBudget) {
    if (!(budget.minuteMs > 0)) throw new Error('minuteMs must be positive');
    if (!(budget.maxInFlight >= 1)) throw new Error('maxInFlight must be at least 1');
    this.content = new Window(budget.contentPerMinute ?? Infinity, budget.minuteMs);
    this.writeGapMs = budget.writeGapMs ?? 0;
  }

  /**
   * From now on, start mutating requests at least `gapMs` apart: what GitHub asks of a client it
   * has refused ("wait at least one second between each request"), so a retry is not refused again.
   */
  spaceWrites(gapMs: number): void {
    this.writeGapMs = Math.max(this.writeGapMs, gapMs);
  }

  /** Requests started and not yet finished. */
  get inFlight(): number {
    return this.running;
  }

  /** Points spent on an endpoint within the sliding minute ending `now` (in flight included). */
  pointsOf(endpoint: string, now: number): number {
    const w = this.endpoints.get(endpoint);
    if (!w) return 0;
    w.prune(now);
    return w.entries.reduce((sum, e) => sum + e.points, 0);
  }

  /** The earliest moment `cost` fits every budget, as far as is known at `now`. */
  when(cost: RequestCost, now: number): When {
    const slot: When = this.running < this.budget.maxInFlight ? { at: now } : { at: 'answer' };
    const points = this.endpoints.get(cost.endpoint)?.when(cost.points, now) ?? { at: now };
    const content =
      cost.content && this.budget.contentPerMinute !== undefined ? this.content.when(1, now) : { at: now };
    const gap = cost.write ? { at: Math.max(now, this.lastWriteAt + this.writeGapMs) } : { at: now };
    return later(later(slot, gap), later(points, content));
  }

  /** Spend `cost` at `now` (the caller checked `when`). */
  start(cost: RequestCost, now: number): Ticket {
    if (cost.write) this.lastWriteAt = now;
    let w = this.endpoints.get(cost.endpoint);
    if (!w) {
      w = new Window(this.budget.pointsPerMinute, this.budget.minuteMs);
      this.endpoints.set(cost.endpoint, w);
    }
    this.running++;
    const spent: Spent = {
      cost,
      endpointEntry: w.add(cost.points),
      ...(cost.content && this.budget.contentPerMinute !== undefined
        ? { contentEntry: this.content.add(1) }
        : {})
    };
    return spent;
  }

  /** The answer arrived (or the request failed) at `now`. */
  finish(ticket: Ticket, now: number): void {
    const spent = ticket as Spent;
    if (spent.endpointEntry.doneAt !== undefined) return;
    spent.endpointEntry.doneAt = now;
    if (spent.contentEntry) spent.contentEntry.doneAt = now;
    this.running--;
    // Drop endpoints whose minute is over, so a long run does not keep every endpoint it touched.
    for (const [key, w] of this.endpoints) if (w.prune(now)) this.endpoints.delete(key);
  }
}

export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Waiter {
  cost: RequestCost;
  resolve(release: () => void): void;
}

/**
 * Requests wait here until the ledger lets them start, first come first served per endpoint; a
 * request held back on one endpoint does not hold back another's.
 */
export class Pacer {
  readonly ledger: Ledger;
  private readonly queue: Waiter[] = [];
  private timer: { handle: unknown; at: number } | undefined;

  constructor(
    budget: PacingBudget,
    private readonly clock: PacerClock
  ) {
    this.ledger = new Ledger(budget);
  }

  /** Requests waiting for budget. */
  get waiting(): number {
    return this.queue.length;
  }

  /** See `Ledger.spaceWrites`; waiting requests are reconsidered. */
  spaceWrites(gapMs: number): void {
    this.ledger.spaceWrites(gapMs);
    this.pump();
  }

  /** Resolves when `cost` may be sent; call the release it gives once the answer is in. */
  acquire(cost: RequestCost): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push({ cost, resolve });
      this.pump();
    });
  }

  private pump(): void {
    const now = this.clock.now();
    const held = new Set<string>();
    let next = Infinity;
    for (let i = 0; i < this.queue.length;) {
      const w = this.queue[i] as Waiter;
      if (held.has(w.cost.endpoint)) {
        i++;
        continue;
      }
      const when = this.ledger.when(w.cost, now);
      if (when.at !== 'answer' && when.at <= now) {
        this.queue.splice(i, 1);
        const ticket = this.ledger.start(w.cost, now);
        w.resolve(() => {
          this.ledger.finish(ticket, this.clock.now());
          this.pump();
        });
        continue;
      }
      held.add(w.cost.endpoint);
      if (when.at !== 'answer') next = Math.min(next, when.at);
      if (this.ledger.inFlight >= this.ledger.budget.maxInFlight) break; // nothing else can start
      i++;
    }
    this.schedule(next, now);
  }

  /** One timer, for the earliest moment a waiting request's budget frees up. */
  private schedule(at: number, now: number): void {
    if (this.timer && this.timer.at === at) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    if (at === Infinity) return;
    const handle = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(0, Math.ceil(at - now))
    );
    this.timer = { handle, at };
  }
}
