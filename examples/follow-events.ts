/*
 * Follows seatd's event feed and prints each event as it happens:
 *   SEATD_URL=http://localhost:3000 TOKEN=<operator token, or an org token with ORG=org_…> npx tsx examples/follow-events.ts
 * With ORG set it reads that org's feed (`/api/v1/orgs/{org}/events`, an owner or admin token), else
 * every org's (`/api/v1/events`, the operator token). It keeps its cursor in memory: start it before
 * the tour, or pass AFTER=<cursor> to resume. A cursor older than retention (410) starts over.
 */
const base = process.env.SEATD_URL ?? 'http://localhost:3000';
const token = process.env.TOKEN ?? process.env.SEATD_OPERATOR_TOKEN;
const feed = process.env.ORG ? `${base}/api/v1/orgs/${process.env.ORG}/events` : `${base}/api/v1/events`;

type SeatdEvent = {
  id: string;
  type: string;
  orgId: string;
  occurredAt: string;
  actor: { type: string; id: string | null };
  data: unknown;
};

async function follow(): Promise<never> {
  if (!token) throw new Error('set TOKEN (or SEATD_OPERATOR_TOKEN)');
  let cursor = process.env.AFTER ?? '';
  for (;;) {
    const res = await fetch(`${feed}?limit=100${cursor ? `&after=${cursor}` : ''}`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status === 410) {
      process.stderr.write('the cursor is older than what seatd keeps: starting over from the oldest kept event\n');
      cursor = '';
      continue;
    }
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    const page = (await res.json()) as { data: SeatdEvent[]; nextCursor: string };
    for (const e of page.data) {
      const who = e.actor.id ? `${e.actor.type} ${e.actor.id}` : e.actor.type;
      process.stdout.write(`${e.occurredAt}  ${e.type.padEnd(22)} ${e.orgId}  by ${who}  ${JSON.stringify(e.data).slice(0, 160)}\n`);
    }
    cursor = page.nextCursor;
    // a full page means more are waiting; otherwise poll again in a second
    if (page.data.length < 100) await new Promise((r) => setTimeout(r, 1000));
  }
}

follow().catch((err) => {
  process.stderr.write(`follow-events: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
