/**
 * Scrubs known secret values out of text before it can reach an error message.
 * `core.setSecret` masks the runner's log; this also protects errors, summaries and files.
 */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Very short values would mask innocent text; none of our tokens are that short.
    if (value && value.length >= 8) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join('***');
    return out;
  }
}
