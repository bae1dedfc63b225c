import type { CheckReport } from './check.js';
import type { RotationReport, TargetOutcome, RevokeOutcome } from './rotate.js';

/** The step's outputs, as strings. `token` is added by main only when output-token is set. */
export interface Outputs {
  'token-id': string;
  'token-name': string;
  'expires-at': string;
  'previous-token-id': string;
  'revoked-token-ids': string;
  secrets: string;
}

const WRITTEN: TargetOutcome[] = ['created', 'updated'];

export function outputsOf(report: RotationReport): Outputs {
  const real = report.outcome !== 'planned';
  return {
    'token-id': real ? (report.token?.id ?? '') : '',
    'token-name': report.token?.name ?? '',
    'expires-at': report.token?.expiresAt ? isoSeconds(report.token.expiresAt) : '',
    'previous-token-id': report.previousTokenId ?? '',
    'revoked-token-ids': report.revocations
      .filter((r) => r.outcome === 'revoked')
      .map((r) => r.id)
      .join(','),
    secrets: JSON.stringify(report.targets.filter((t) => WRITTEN.includes(t.outcome)).map((t) => t.label))
  };
}

/** ISO 8601 UTC to the second, with `Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const TARGET_ICON: Record<TargetOutcome, string> = {
  created: '✅ created',
  updated: '✅ updated',
  failed: '❌ failed',
  'maybe written': '❓ no definite answer: may hold the new or the previous token',
  'not written': '⏸️ not written',
  'would create': '📝 would create',
  'would update': '📝 would update',
  'put back': '↩️ put back to the previous token'
};
const REVOKE_ICON: Record<RevokeOutcome, string> = {
  revoked: '✅ revoked',
  'already gone': '✅ already gone',
  failed: '❌ failed',
  'would revoke': '📝 would revoke'
};

export interface SummaryContext {
  providerLabel: string;
  now: Date;
}

function inDays(date: Date, now: Date): string {
  const hours = (date.getTime() - now.getTime()) / 3_600_000;
  const span =
    Math.abs(hours) >= 48
      ? `${Math.round(Math.abs(hours) / 24)} days`
      : `${Math.round(Math.abs(hours))} hours`;
  return hours >= 0 ? `in ${span}` : `${span} ago`;
}

/** The job summary: Markdown, never a token value. */
export function renderSummary(report: RotationReport, context: SummaryContext): string {
  const heading = {
    rotated: `✅ ${context.providerLabel} token rotated`,
    planned: `📝 ${context.providerLabel} token rotation plan (dry run: nothing was changed)`,
    failed: `❌ ${context.providerLabel} token rotation failed`
  }[report.outcome];
  const lines = [`## ${heading}`, ''];
  const planned = report.outcome === 'planned';
  lines.push('| | |', '|---|---|', `| provider | ${context.providerLabel} |`);
  if (report.token) {
    const expiry = report.token.expiresAt
      ? `${isoSeconds(report.token.expiresAt)} (${inDays(report.token.expiresAt, context.now)})`
      : 'never';
    lines.push(
      `| ${planned ? 'token to create' : 'token ID'} | ${cell(report.token.id)} |`,
      `| name | ${cell(report.token.name)} |`,
      `| expires | ${expiry} |`
    );
  }
  lines.push(`| replaces | ${cell(report.previousTokenId ?? '(none recorded)')} |`, '');

  lines.push('| target | kind | result |', '|---|---|---|');
  for (const t of report.targets)
    lines.push(
      `| ${cell(t.label)} | ${t.kind} | ${TARGET_ICON[t.outcome]}${t.error ? `: ${cell(t.error)}` : ''} |`
    );
  lines.push('');
  if (report.revocations.length > 0) {
    lines.push('| token ID | revocation |', '|---|---|');
    for (const r of report.revocations)
      lines.push(
        `| ${cell(r.id)}${r.orphan ? ' (orphan of an earlier run)' : ''} | ${REVOKE_ICON[r.outcome]}${r.error ? `: ${cell(r.error)}` : ''} |`
      );
    lines.push('');
  }

  const pending = [
    ...report.kept.map((id) => `${cell(id)}: kept alive by keep-previous; revoked by a later rotation`),
    ...report.revocations
      .filter((r) => r.outcome === 'failed')
      .map((r) => `${cell(r.id)}: revocation failed; the state owes it and the next run revokes it`),
    ...(report.outcome === 'failed' &&
    report.token &&
    report.targets.some((t) => ['created', 'updated', 'maybe written'].includes(t.outcome))
      ? report.targets
          .filter((t) => ['failed', 'not written', 'maybe written'].includes(t.outcome))
          .map((t) =>
            t.outcome === 'maybe written'
              ? `${cell(t.label)}: may hold the new or the previous token (both stay live); the next run writes it`
              : `${cell(t.label)}: still holds the previous token; the next run writes it`
          )
      : [])
  ];
  if (pending.length > 0) {
    lines.push('### Still pending', '');
    for (const p of pending) lines.push(`- ${p}`);
    lines.push('');
  }
  if (report.errors.length > 0) {
    lines.push('### What failed', '');
    for (const e of report.errors) lines.push(`- ${cell(e)}`);
    lines.push('');
    lines.push('### What now', '', report.leftAs, '');
  } else lines.push(`**State:** ${report.leftAs}`, '');
  return lines.join('\n');
}

export function checkOutputsOf(check: CheckReport): Record<string, string> {
  return {
    'token-id': check.token?.id ?? '',
    'token-name': check.token?.name ?? '',
    'expires-at': check.token?.expiresAt ? isoSeconds(check.token.expiresAt) : '',
    health: check.health
  };
}

const HEALTH_ICON = { ok: '✅', warn: '⚠️', fail: '❌' };

/** The job summary of the check mode. */
export function renderCheckSummary(check: CheckReport, context: SummaryContext): string {
  const lines = [
    `## ${HEALTH_ICON[check.health]} ${context.providerLabel} token health: ${check.health}`,
    ''
  ];
  if (check.token) {
    const expiry = check.token.expiresAt
      ? `${isoSeconds(check.token.expiresAt)} (${inDays(check.token.expiresAt, context.now)})`
      : 'never';
    lines.push(
      '| token | |',
      '|---|---|',
      `| ID | ${cell(check.token.id)} |`,
      `| name | ${cell(check.token.name)} |`,
      `| expires | ${expiry} |`,
      `| last rotated | ${cell(check.rotatedAt ?? 'unknown')} |`,
      ''
    );
  }
  lines.push(check.message, '');
  return lines.join('\n');
}
