import { seeDocs } from '../docs.js';
import type { ProviderToken } from '../providers/index.js';
import type { RotationState } from '../state.js';

/**
 * The state variable is input: anyone who may edit Actions variables can change it, a narrower
 * grant than the provider credentials. Before a run acts on it, everything it asks for is checked
 * against what the workflow itself says and what the provider lists. Pure.
 */
export interface TrustInput {
  state: RotationState;
  tokenName: string;
  targetLabels: string[];
  live: ProviderToken[];
  actingTokenId: string | null;
  /** previous-token-id, resolved: the workflow's own word. */
  explicitPrevious?: string;
}

/** IDs the state asks the run to replace, keep or revoke. */
export const idsOf = (state: RotationState) =>
  [state.tokenId, state.previous, ...state.kept, ...state.revoke].filter((id): id is string => !!id);

/**
 * A live token may be revoked only if it carries this rotation's token-name, or the workflow named
 * it by previous-token-id: now, or at an earlier run that recorded it with its name. The acting
 * token never counts as named by the state alone: that is how an admin provider-token would be
 * steered into revocation.
 */
export function mayRevoke(id: string, input: TrustInput): boolean {
  const token = input.live.find((t) => t.id === id);
  if (!token) return true; // gone already: nothing to revoke
  if (token.name === input.tokenName || id === input.explicitPrevious) return true;
  return input.state.named[id] === token.name && id !== input.actingTokenId;
}

const refuse = (what: string) =>
  `${what} Nothing was changed. If the variable was edited by someone else, find out who; otherwise delete it and bootstrap again (previous-token-id).${seeDocs('howItWorks')}.`;

/** Problems with acting on this state; empty when it may be acted on. */
export function stateProblems(input: TrustInput, stateLabel: string): string[] {
  const { state } = input;
  if (state.tokenName !== '' && state.tokenName !== input.tokenName)
    return [
      refuse(
        `The state ${stateLabel} was written for token-name "${state.tokenName}", not this run's "${input.tokenName}": it belongs to another rotation. Give each rotation its own state-variable, or set token-name to the recorded one if this is the same rotation.`
      )
    ];
  if (state.targets && !state.targets.some((label) => input.targetLabels.includes(label)))
    return [
      refuse(
        `The state ${stateLabel} was written for other targets (${state.targets.join(', ')}) than this run's (${input.targetLabels.join(', ')}): it belongs to another rotation. Give each rotation its own state-variable.`
      )
    ];
  const refused = [...new Set(idsOf(state))].filter((id) => !mayRevoke(id, input));
  if (refused.length === 0) return [];
  return [
    refuse(
      `The state ${stateLabel} names token(s) ${refused.join(', ')}, which do not carry this rotation's token-name "${input.tokenName}" and were not named by this workflow's previous-token-id${refused.includes(input.actingTokenId ?? '') ? ' (one is provider-token itself)' : ''}: refusing to revoke or replace them. If one of them is the token your secrets hold, run once with previous-token-id set to it.`
    )
  ];
}

/** Workflow-named tokens worth remembering: those the new state still refers to. */
export function namedToKeep(
  previous: Record<string, string>,
  explicitPrevious: string | undefined,
  live: ProviderToken[],
  tokenName: string,
  referenced: string[]
): Record<string, string> {
  const named: Record<string, string> = { ...previous };
  const token = live.find((t) => t.id === explicitPrevious);
  if (token && token.name !== tokenName) named[token.id] = token.name;
  return Object.fromEntries(Object.entries(named).filter(([id]) => referenced.includes(id)));
}
