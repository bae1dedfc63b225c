/** The token store and bearer auth shared by the provider simulators (Vercel, Databricks, Linode). */
import { SimError, SimServer, type SimRequest, type SimResponse } from './server.js';

export interface SimToken {
  id: string;
  name: string;
  value: string;
  createdAt: number;
  expiresAt: number | null;
  revoked: boolean;
}

export interface IssueOptions {
  name?: string;
  expiresAt?: number | null;
}

export interface ProviderSim extends SimServer {
  /** provider-url for the action: the server's URL plus the API's base path, if it has one. */
  readonly apiUrl: string;
  /** Seed a token as if a user made it by hand. */
  issueToken(opts?: IssueOptions): { id: string; value: string };
  /** Exists, not revoked, not expired (per now()). */
  isLive(idOrValue: string): boolean;
  /** All tokens ever issued, incl. revoked/expired. */
  tokens(): SimToken[];
  liveTokens(): SimToken[];
  /** Revoke out of band (as a user would in the dashboard); false if unknown or already revoked. */
  revokeToken(idOrValue: string): boolean;
}

export abstract class ProviderSimBase<T extends SimToken, O extends IssueOptions = IssueOptions>
  extends SimServer<T>
  implements ProviderSim
{
  private readonly store: T[] = [];
  /** Where the API's paths start (Cloudflare: /client/v4); '' when at the root. */
  protected readonly apiBasePath: string = '';

  get apiUrl(): string {
    return this.url + this.apiBasePath;
  }

  /** Build a new token (id, value, service extras); the base stores it. */
  protected abstract mint(opts: O): T;
  /** The service's answer to a missing, unknown, revoked or expired bearer. */
  protected abstract authFailure(req: SimRequest): SimResponse;

  issueToken(opts?: O): { id: string; value: string } {
    const t = this.create(opts ?? ({} as O));
    return { id: t.id, value: t.value };
  }

  isLive(idOrValue: string): boolean {
    return this.findLive(idOrValue) !== undefined;
  }

  tokens(): T[] {
    return [...this.store];
  }

  liveTokens(): T[] {
    return this.store.filter((t) => this.live(t));
  }

  revokeToken(idOrValue: string): boolean {
    const t = this.store.find((x) => (x.id === idOrValue || x.value === idOrValue) && !x.revoked);
    if (t) t.revoked = true;
    return t !== undefined;
  }

  protected create(opts: O): T {
    const t = this.mint(opts);
    this.store.push(t);
    return t;
  }

  protected live(t: T): boolean {
    return !t.revoked && (t.expiresAt === null || t.expiresAt > this.now());
  }

  protected findLive(idOrValue: string): T | undefined {
    return this.store.find((t) => (t.id === idOrValue || t.value === idOrValue) && this.live(t));
  }

  /** Not revoked (expired ones included), by id. */
  protected findById(id: string): T | undefined {
    return this.store.find((t) => t.id === id && !t.revoked);
  }

  protected authenticate(req: SimRequest): T {
    const caller = req.bearer === undefined ? undefined : this.store.find((t) => t.value === req.bearer);
    if (!caller || !this.live(caller)) throw new SimError(this.authFailure(req));
    return caller;
  }
}
