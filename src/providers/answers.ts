/**
 * Strict readers for the JSON a provider answers with. Each returns the field as the provider
 * documents it or throws MalformedAnswer naming the field, so a hostile or drifted answer fails
 * clearly (as "unexpected response") instead of becoming `[]`, `undefined` or an Invalid Date.
 */

/** An answer without the shape the provider documents; `message` names the field. */
export class MalformedAnswer extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'MalformedAnswer';
  }
}

export type Json = Record<string, unknown>;

export function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new MalformedAnswer(`${field} is not an object`);
  return value as Json;
}

export function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new MalformedAnswer(`${field} is not a list`);
  return value;
}

export function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new MalformedAnswer(`${field} is not a string`);
  return value;
}

/** A string field the provider may leave out (as Databricks does an empty comment). */
export function optionalText(value: unknown, field: string): string {
  return value === undefined || value === null ? '' : text(value, field);
}

/** A token ID of the provider's form, given as a string (or, where `numeric`, a whole number). */
export function tokenId(value: unknown, pattern: RegExp, field: string, numeric = false): string {
  const id = numeric && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof id !== 'string' || (numeric && typeof value === 'string') || !pattern.test(id))
    throw new MalformedAnswer(`${field} is not a token ID of the provider's form`);
  return id;
}

/** Milliseconds of the largest Date (ECMA-262 §21.4.1.22). */
const MAX_TIME = 8.64e15;

/** Epoch milliseconds; absent is null. `noneBelowOne` for Databricks' -1 ("no expiry"). */
export function epochMsDate(value: unknown, field: string, noneBelowOne = false): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_TIME)
    throw new MalformedAnswer(`${field} is not a time in epoch milliseconds`);
  return noneBelowOne && value < 1 ? null : new Date(value);
}

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$/;

/** `YYYY-MM-DDTHH:MM:SS` in UTC (Linode's form, no `Z`); absent is null. Must be a real date. */
export function utcSecondsDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const bare = typeof value === 'string' && UTC_SECONDS.test(value) ? value.replace(/Z$/, '') : undefined;
  const date = bare === undefined ? undefined : new Date(`${bare}Z`);
  // Round-trips, so 2024-02-30 is refused rather than read as 1 March.
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== bare)
    throw new MalformedAnswer(`${field} is not a date of the form YYYY-MM-DDTHH:MM:SS`);
  return date;
}
