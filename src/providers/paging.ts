import { MalformedAnswer } from './answers.js';

/** Far beyond any real account (Databricks caps a user at 600 tokens; a page holds 100 or more). */
export const MAX_PAGES = 100;

export interface PageOf<T, C> {
  items: T[];
  /** Where the next page starts; undefined on the last page. */
  next: C | undefined;
}

/**
 * Every item of a paged list, one page after another, each ID once. Stops on the last page, on an
 * empty page or one with nothing new, and on a cursor seen before (a server going round in
 * circles); fails past `maxPages`, since a list cut short would be taken as complete, and a token
 * missing from it as gone.
 */
export async function collectPages<T extends { id: string }, C extends string | number>(
  first: C | undefined,
  fetchPage: (cursor: C | undefined) => Promise<PageOf<T, C>>,
  maxPages = MAX_PAGES
): Promise<T[]> {
  const items = new Map<string, T>();
  const seen = new Set<C | undefined>([first]);
  let cursor = first;
  for (let fetched = 0; ; fetched++) {
    if (fetched === maxPages) throw new MalformedAnswer(`the list goes on past ${maxPages} pages`);
    const page = await fetchPage(cursor);
    const fresh = page.items.filter((item) => !items.has(item.id));
    for (const item of fresh) items.set(item.id, item);
    if (fresh.length === 0 || page.next === undefined || seen.has(page.next)) return [...items.values()];
    seen.add(page.next);
    cursor = page.next;
  }
}
