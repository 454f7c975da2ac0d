import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { auditLog } from '../../../db/schema';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext, type Tx } from '../context';
import { escapeHtml } from '../escapeHtml';
import { Conflict, NotFound } from '../errors';
import { newId } from '../ids';
import { readPools } from '../ledger/ledgerRepository';
import { ownerEmails } from '../orgs/memberRepository';
import type { SeatPool, SeatPools } from '../ledger/seatChange';
import { findOrg, type OrgRow } from '../orgs/orgRepository';
import type { By } from '../orgs/roles';
import type { EventConsumer } from '../events/eventConsumers';
import type { SeatdEvent } from '../events/events';
import { SEAT_TYPES, type SeatType } from '../seatTypes';
import * as repo from './alertRepository';
import { forecastExhaustion, reachedThresholds, seatsToClear } from './thresholds';
import { recordEvent } from '../events/events';

export type AlertEvent = 'alert.opened' | 'alert.escalated' | 'alert.refusal' | 'alert.resolved';

export type Alert = {
  id: string;
  kind: repo.AlertRow['kind'];
  seatType: SeatType;
  threshold: number | null;
  status: repo.AlertStatus;
  count: number;
  message: string;
  openedAt: string;
  lastEventAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedReason: string | null;
  refusedPeople: { email: string; path: string; at: string }[];
};

const SEAT_NAME: Record<SeatType, string> = { standard: 'Standard', premium: 'Premium' };

function messageOf(row: Pick<repo.AlertRow, 'kind' | 'seatType' | 'threshold' | 'eventCount'>): string {
  return row.kind === 'pool_threshold'
    ? `${row.threshold}% of ${SEAT_NAME[row.seatType]} seats are in use`
    : `${row.eventCount} ${row.eventCount === 1 ? 'person was' : 'people were'} refused: no ${SEAT_NAME[row.seatType]} seat is free`;
}

async function toAlert(q: Tx | DomainContext['db'], row: repo.AlertRow): Promise<Alert> {
  return {
    id: row.id,
    kind: row.kind,
    seatType: row.seatType,
    threshold: row.threshold,
    status: row.status,
    count: row.eventCount,
    message: messageOf(row),
    openedAt: row.openedAt,
    lastEventAt: row.lastEventAt,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: row.resolvedAt,
    resolvedReason: row.resolvedReason,
    refusedPeople: row.kind === 'seat_refused' ? await repo.refusalsDuring(q, row.orgId, row.seatType, row.openedAt, row.resolvedAt) : [],
  };
}

/** One alert as a mail section: how many seats are used of how many, and who was refused. */
function alertSection(alert: Alert, pool: SeatPool): { text: string; html: string } {
  const usage = `${pool.assigned} of ${pool.purchased} ${SEAT_NAME[alert.seatType]} seats are in use.`;
  const refused = alert.refusedPeople.map((p) => `${p.email} (${p.path}, ${p.at.slice(0, 16).replace('T', ' ')} UTC)`);
  const text = [alert.message, usage, ...(refused.length ? ['Refused:', ...refused.map((r) => `- ${r}`)] : [])].join('\n');
  const html =
    `<p><strong>${escapeHtml(alert.message)}</strong><br>${escapeHtml(usage)}</p>` +
    (refused.length ? `<p>Refused:</p><ul>${refused.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : '');
  return { text, html };
}

/** The owners' alert mail: every alert of the burst, each with its numbers and people, and the way to add seats. */
function composeAlertMail(org: OrgRow, alerts: Alert[], pools: SeatPools, publicUrl: string) {
  const sections = alerts.map((a) => alertSection(a, pools[a.seatType]));
  const subject = alerts.length === 1 ? `[seatd] ${org.name}: ${alerts[0]!.message}` : `[seatd] ${org.name}: ${alerts.length} seat alerts`;
  const link = `${publicUrl}/console`;
  const text = `${org.name}\n\n${sections.map((x) => x.text).join('\n\n')}\n\nAn owner can add seats in the console: ${link}\n`;
  const html = `<p><strong>${escapeHtml(org.name)}</strong></p>${sections.map((x) => x.html).join('<hr>')}<p>An owner can add seats in the <a href="${escapeHtml(link)}">console</a>.</p>`;
  return { subject, text, html };
}

/**
 * Mail to the owners for an alert that opened, escalated or counted another refusal. A mail not
 * yet sent to an owner (the same burst: changes committed before the delivery worker's next pass)
 * is rewritten to cover every alert that moved since it was queued, so a burst is one mail; a
 * refusal on its own sends none (its alert's mail when it opened said so, and the console lists them).
 */
async function mailOwners(
  ctx: DomainContext,
  tx: Tx,
  org: OrgRow,
  row: repo.AlertRow,
  event: AlertEvent,
  base: DeliveryBase,
): Promise<DeliveryRows> {
  const rows: DeliveryRows = [];
  const pools = await readPools(tx, org.id);
  for (const to of await ownerEmails(tx, org.id)) {
    const unsent = await repo.findUnsentEmail(tx, org.id, to);
    if (unsent) {
      const inBurst = await Promise.all(
        (await repo.unresolvedAlerts(tx, org.id))
          .filter((a) => a.lastEventAt >= unsent.createdAt || a.id === row.id)
          .map((a) => toAlert(tx, a)),
      );
      await repo.updateDelivery(tx, unsent.id, { payload: composeAlertMail(org, inBurst, pools, ctx.publicUrl) });
    } else if (event !== 'alert.refusal') {
      const payload = composeAlertMail(org, [await toAlert(tx, row)], pools, ctx.publicUrl);
      rows.push({ ...base, id: newId('dlv'), channel: 'email', destination: to, payload });
    }
  }
  return rows;
}

type DeliveryRows = Parameters<typeof repo.insertDeliveries>[1];
type DeliveryBase = Omit<DeliveryRows[number], 'id' | 'channel' | 'destination' | 'payload'>;

/**
 * Queues the alert's deliveries in the caller's transaction (an outbox): a webhook for every event,
 * an email to the owners when an alert opens. A worker sends them after commit, so delivery never
 * blocks or fails the provisioning request that raised the alert.
 */
async function enqueue(ctx: DomainContext, tx: Tx, org: OrgRow, row: repo.AlertRow, event: AlertEvent): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const alert = await toAlert(tx, row);
  if (event !== 'alert.refusal') await recordEvent(tx, ctx.clock.now(), { type: event, orgId: org.id, actor: 'system', data: { alert } });
  const base = { orgId: org.id, alertId: row.id, event, status: 'pending' as const, attempts: 0, nextAttemptAt: at, createdAt: at };
  const rows: DeliveryRows = [];
  if (org.webhookUrl) {
    rows.push({
      ...base,
      id: newId('dlv'),
      channel: 'webhook',
      destination: org.webhookUrl,
      payload: { id: newId('evt'), type: event, occurredAt: at, org: { id: org.id, name: org.name }, alert },
    });
  }
  if (event !== 'alert.resolved') rows.push(...(await mailOwners(ctx, tx, org, row, event, base)));
  await repo.insertDeliveries(tx, rows);
  if (rows.length) ctx.outboxQueued?.();
}

async function openAlert(
  ctx: DomainContext,
  tx: Tx,
  org: OrgRow,
  kind: repo.AlertRow['kind'],
  seatType: SeatType,
  threshold: number | null,
  now = ctx.clock.now(),
): Promise<repo.AlertRow> {
  const at = now.toISOString();
  const row: repo.AlertRow = {
    id: newId('alrt'),
    orgId: org.id,
    kind,
    seatType,
    threshold,
    status: 'open',
    eventCount: 1,
    openedAt: at,
    lastEventAt: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedReason: null,
  };
  await repo.insertAlert(tx, row);
  await recordAudit(tx, now, {
    orgId: org.id,
    actor: 'system',
    action: 'alert.open',
    target: row.id,
    outcome: 'success',
    details: { kind, seatType, threshold },
  });
  await enqueue(ctx, tx, org, row, 'alert.opened');
  return row;
}

/**
 * After a pool changed (a seat taken, an upgrade): the pool's one threshold alert opens at the
 * highest threshold reached, or escalates to it (90% → 100%), open again for the owners to see.
 * Runs on every seat taken, so the common case (below every threshold) is one read.
 */
export async function checkPoolThresholds(ctx: DomainContext, tx: Tx, orgId: string, seatType: SeatType): Promise<void> {
  const found = await repo.poolAndThresholds(tx, orgId, seatType);
  if (!found) return;
  const reached = reachedThresholds(found.pool, found.thresholds);
  if (!reached.length) return;
  const top = Math.max(...reached);
  const existing = await repo.findUnresolvedThresholdAlert(tx, orgId, seatType);
  if (existing && (existing.threshold ?? 0) >= top) return;
  const org = await findOrg(tx, orgId);
  if (!org) return;
  if (!existing) {
    await openAlert(ctx, tx, org, 'pool_threshold', seatType, top);
    return;
  }
  const now = ctx.clock.now();
  const escalated = {
    threshold: top,
    status: 'open' as const,
    eventCount: existing.eventCount + 1,
    lastEventAt: now.toISOString(),
    acknowledgedAt: null,
    acknowledgedBy: null,
  };
  await repo.updateAlert(tx, existing.id, escalated);
  await recordAudit(tx, now, {
    orgId: org.id,
    actor: 'system',
    action: 'alert.escalate',
    target: existing.id,
    outcome: 'success',
    details: { seatType, from: existing.threshold, to: top },
  });
  await enqueue(ctx, tx, org, { ...existing, ...escalated }, 'alert.escalated');
}

/** Someone was refused for lack of a seat at `refusedAt`: one unresolved alert per pool counts them all. */
export async function noteRefusal(ctx: DomainContext, tx: Tx, orgId: string, seatType: SeatType, refusedAt: Date): Promise<void> {
  const org = await findOrg(tx, orgId);
  if (!org) return;
  const existing = await repo.findUnresolvedAlert(tx, orgId, 'seat_refused', seatType, null);
  if (!existing) {
    await openAlert(ctx, tx, org, 'seat_refused', seatType, null, refusedAt);
    return;
  }
  const at = refusedAt.toISOString();
  await repo.updateAlert(tx, existing.id, { eventCount: existing.eventCount + 1, lastEventAt: at });
  await enqueue(ctx, tx, org, { ...existing, eventCount: existing.eventCount + 1, lastEventAt: at }, 'alert.refusal');
}

/** Seats were added: alerts whose condition no longer holds resolve themselves. */
export async function resolveAlertsAfterSeatsAdded(ctx: DomainContext, tx: Tx, orgId: string): Promise<void> {
  const org = await findOrg(tx, orgId);
  if (!org) return;
  const pools = await readPools(tx, orgId);
  const now = ctx.clock.now();
  for (const alert of await repo.unresolvedAlerts(tx, orgId)) {
    const pool = pools[alert.seatType];
    if (alert.kind === 'pool_threshold') {
      // still past a lower threshold: the alert steps down to it and stays open
      const still = reachedThresholds(pool, org.alertThresholds).filter((t) => t <= (alert.threshold ?? 0));
      if (still.length && Math.max(...still) < (alert.threshold ?? 0))
        await repo.updateAlert(tx, alert.id, { threshold: Math.max(...still) });
      if (still.length) continue;
    } else if (pool.purchased <= pool.assigned) continue;
    const resolved = { status: 'resolved' as const, resolvedAt: now.toISOString(), resolvedReason: 'seats added' };
    await repo.updateAlert(tx, alert.id, resolved);
    await recordAudit(tx, now, {
      orgId,
      actor: 'system',
      action: 'alert.resolve',
      target: alert.id,
      outcome: 'success',
      details: { reason: 'seats added' },
    });
    await enqueue(ctx, tx, org, { ...alert, ...resolved }, 'alert.resolved');
  }
}

export async function listAlerts(ctx: DomainContext, orgId: string, statuses?: repo.AlertStatus[]): Promise<Alert[]> {
  return Promise.all((await repo.listAlertRows(ctx.db, orgId, statuses)).map((row) => toAlert(ctx.db, row)));
}

export async function acknowledgeAlert(ctx: DomainContext, orgId: string, alertId: string, by: By): Promise<Alert> {
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const alert = await repo.findAlert(tx, orgId, alertId);
    if (!alert) throw new NotFound('alert', alertId);
    if (alert.status === 'resolved') throw new Conflict('This alert is already resolved', 'alert-resolved');
    if (alert.status === 'open') {
      const now = ctx.clock.now();
      await repo.updateAlert(tx, alertId, { status: 'acknowledged', acknowledgedAt: now.toISOString(), acknowledgedBy: by.actor });
      await recordAudit(tx, now, { orgId, actor: by.actor, action: 'alert.acknowledge', target: alertId, outcome: 'success' });
    }
    return toAlert(tx, (await repo.findAlert(tx, orgId, alertId))!);
  });
}

/** How many seats of its type would close the alert: what the console's "Add seats" fills in. */
export async function seatsToCloseAlert(ctx: DomainContext, orgId: string, alert: Alert): Promise<number> {
  const org = await findOrg(ctx.db, orgId);
  if (!org) throw new NotFound('organization', orgId);
  const people = new Set(alert.refusedPeople.map((p) => p.email)).size;
  return seatsToClear((await readPools(ctx.db, orgId))[alert.seatType], { kind: alert.kind, refusedPeople: people }, org.alertThresholds);
}

export type SeatForecast = Record<SeatType, { available: number; admissionsLast30Days: number; perDay: number; runsOutOn: string | null }>;

/** When each pool is expected to run out, at the rate seats were taken over the last 30 days. */
export async function forecastSeats(ctx: DomainContext, orgId: string): Promise<SeatForecast> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const pools = await readPools(ctx.db, orgId);
  const rows = await ctx.db
    .select({ seatType: sql<string>`json_extract(${auditLog.details}, '$.seatType')`, n: sql<number>`count(*)` })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, orgId),
        eq(auditLog.outcome, 'success'),
        gte(auditLog.at, since),
        inArray(auditLog.action, ['invitation.create', 'provisioning.jit', 'provisioning.scim']),
      ),
    )
    .groupBy(sql`json_extract(${auditLog.details}, '$.seatType')`);
  const result = {} as SeatForecast;
  for (const t of SEAT_TYPES) {
    const admissions = Number(rows.find((r) => r.seatType === t)?.n ?? 0);
    const available = pools[t].purchased - pools[t].assigned;
    const { date, perDay } =
      pools[t].purchased === 0 ? { date: null, perDay: admissions / 30 } : forecastExhaustion(available, admissions, 30, now);
    result[t] = { available, admissionsLast30Days: admissions, perDay: Math.round(perDay * 100) / 100, runsOutOn: date };
  }
  return result;
}

/** The seat type whose pool an event filled, when it says a seat was taken (a member created, reactivated, moved, invited). */
function seatTaken(event: SeatdEvent): SeatType | undefined {
  const member = event.data.member as { seatType?: SeatType; status?: string } | undefined;
  switch (event.type) {
    case 'member.created':
    case 'member.reactivated':
    case 'invitation.created':
      return member?.status === 'active' || member?.status === 'invited' ? member.seatType : undefined;
    case 'member.seat_changed':
      return event.data.to as SeatType;
    default:
      return undefined;
  }
}

/**
 * Alerts as a consumer of events, run in the transaction that recorded each one: a seat taken may
 * cross a threshold, a purchase may resolve alerts (an upgrade also fills the Standard pool), a
 * renewal leaves pools exactly full, and a refusal opens or counts a refusal alert.
 */
export function alertsReactingToEvents(ctx: DomainContext): EventConsumer {
  return async (q, event) => {
    const tx = q as Tx;
    const taken = seatTaken(event);
    if (taken) return checkPoolThresholds(ctx, tx, event.orgId, taken);
    if (event.type === 'signin.refused')
      return noteRefusal(ctx, tx, event.orgId, event.data.seatType as SeatType, new Date(event.occurredAt));
    if (event.type === 'seats.purchased') {
      await resolveAlertsAfterSeatsAdded(ctx, tx, event.orgId);
      for (const t of SEAT_TYPES) await checkPoolThresholds(ctx, tx, event.orgId, t);
    }
    if (event.type === 'contract.renewed') {
      const seats = event.data.seats as Record<SeatType, number>;
      for (const t of SEAT_TYPES) if (seats[t] > 0) await checkPoolThresholds(ctx, tx, event.orgId, t);
    }
  };
}
