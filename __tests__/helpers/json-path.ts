/** Reading and rewriting answers by path (a kit's JsonPath), for faults that rewrite a body. */
import type { JsonPath } from './kit/types.js';

/** As a replacement: delete the field instead. */
export const REMOVED = Symbol('removed');

type Node = Record<string | number, unknown>;

export function getAt(body: unknown, path: JsonPath): unknown {
  let at: unknown = body;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Node)[key] : undefined;
  return at;
}

/** A copy of `body` with the value at `path` replaced (or removed); `[]` replaces the whole. */
export function setAt(body: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement === REMOVED ? undefined : replacement;
  const copy = structuredClone(body);
  const parent = getAt(copy, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (typeof parent !== 'object' || parent === null) return copy;
  if (replacement === REMOVED) delete (parent as Node)[last];
  else (parent as Node)[last] = replacement;
  return copy;
}
