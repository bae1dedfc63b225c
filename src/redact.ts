/**
 * Scrubs known secret values out of text before it can reach an error message.
 * `core.setSecret` masks the runner's log; this also protects errors, summaries and files.
 * Matching ignores case: a credential upper-cased (a secret name, a header) is still a credential.
 */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string | undefined): void {
    // Very short values would mask innocent text; none of our tokens are that short.
    if (!value || value.length < 8 || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = undefined;
  }

  redact(text: string): string {
    if (this.values.size === 0) return text;
    this.pattern ??= patternOf(this.values);
    return text.replace(this.pattern, '***');
  }

  /** A copy of a parsed JSON value with every string in it (keys too) redacted. */
  redactDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [this.redact(key), this.redactDeep(item)])
    );
  }
}

/** One case-insensitive alternation, longest first so a value inside another is not half-masked. */
function patternOf(values: Iterable<string>): RegExp {
  const escaped = [...values]
    .sort((a, b) => b.length - a.length)
    .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('|'), 'gi');
}
