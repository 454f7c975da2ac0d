/** Every kind of fact seatd records as an event; the feed, webhooks and the docs read this list. */
export const EVENT_TYPES = [
  'member.created',
  'member.updated',
  'member.seat_changed',
  'member.role_changed',
  'member.deactivated',
  'member.reactivated',
  'member.deleted',
  'invitation.created',
  'invitation.accepted',
  'invitation.expired',
  'invitation.revoked',
  'signin.refused',
  'seats.purchased',
  'invoice.created',
  'contract.renewed',
  'alert.opened',
  'alert.escalated',
  'alert.resolved',
  'webhook.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Who did it: a member, a SCIM or API token, the operator, or seatd itself. */
export type EventActor = { type: 'member' | 'scim_token' | 'api_token' | 'operator' | 'system' | 'idp'; id: string | null };

/** The audit log's actor strings (`member:mem_…`, `scim:tok_…`, `api-token:tok_…`, `operator`, `cli`, …) as an event actor. */
export function eventActorOf(actor: string): EventActor {
  const [kind, id] = actor.includes(':') ? [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)] : [actor, null];
  if (kind === 'member') return { type: 'member', id };
  if (kind === 'scim') return { type: 'scim_token', id };
  if (kind === 'api-token') return { type: 'api_token', id };
  if (kind === 'operator' || kind === 'cli') return { type: 'operator', id: kind };
  if (kind === 'sso') return { type: 'idp', id };
  return { type: 'system', id: kind === 'system' ? null : actor };
}
