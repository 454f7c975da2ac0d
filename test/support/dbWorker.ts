// A separate process on the same SQLite file, for tests of cross-process concurrency.
// Usage: node -r tsx/cjs test/support/dbWorker.ts '<json job>'; prints one JSON line of outcomes.
import request from 'supertest';
import { openDatabase } from '../../db/connection';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { reactToEvents } from '../../src/composition';
import { ManualClock, systemClock } from '../../src/domain/clock';
import { confirmSeatChange } from '../../src/domain/ledger/ledger';
import { admitSsoUser } from '../../src/domain/provisioning/admission';
import type { SeatChange } from '../../src/domain/ledger/seatChange';
import { createWebhookSender } from '../../src/alerts/webhook';
import { defaultDeliveryPolicy, processDueDeliveries } from '../../src/domain/alerts/alertDelivery';
import { workerIdentity } from '../../src/domain/leases';
import { deliverWebhooks } from '../../src/domain/webhooks/webhookDelivery';

type Job =
  | { op: 'confirm'; dbFile: string; now: string; orgId: string; change: SeatChange; key: string; times: number }
  | { op: 'admit'; dbFile: string; now: string; orgId: string; emails: string[]; pauseMs?: number }
  | { op: 'scimPatch'; dbFile: string; now: string; token: string; userId: string; roles: string[] }
  /** Runs webhook delivery passes on the real clock for `durationMs`; answers how many it delivered. */
  | { op: 'deliverWebhooks'; dbFile: string; now: string; durationMs: number }
  /** One pass of the alert outbox, as each seatd process's worker runs it. */
  | { op: 'deliverAlerts'; dbFile: string; now: string };

const job = JSON.parse(process.argv[2]!) as Job;
const db = openDatabase(job.dbFile);
const ctx = { db, clock: new ManualClock(job.now), mailer: { send: async () => {} }, publicUrl: 'http://seatd.test' };
reactToEvents(ctx);
const outcomes: string[] = [];
const attempts = job.op === 'confirm' ? Array.from({ length: job.times }, () => job.key) : job.op === 'admit' ? job.emails : [];
/** A SCIM client of its own, through seatd's HTTP app on this process: adds each role by PATCH, answers the statuses. */
async function patchRoles(job: Extract<Job, { op: 'scimPatch' }>) {
  const app = createApp({ ctx, config: { operatorToken: undefined, publicUrl: ctx.publicUrl }, logger: createLogger('silent') });
  for (const role of job.roles) {
    const res = await request(app)
      .patch(`/scim/v2/Users/${job.userId}`)
      .set('Authorization', `Bearer ${job.token}`)
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'roles', value: [{ value: role }] }],
      });
    outcomes.push(`${role}:${res.status}`);
  }
}

/** Delivery as a seatd process does it, with a worker identity of its own (the receivers are on loopback). */
async function deliver(job: Extract<Job, { op: 'deliverWebhooks' | 'deliverAlerts' }>) {
  const send = createWebhookSender(() => ctx.clock.now(), { allowPrivateNetworks: true });
  const workerId = workerIdentity('dbWorker', process.pid);
  if (job.op === 'deliverAlerts') {
    const tally = await processDueDeliveries(ctx, { mailer: ctx.mailer, webhook: send }, defaultDeliveryPolicy, undefined, workerId);
    outcomes.push(`delivered:${tally.delivered}`);
    return;
  }
  const live = { ...ctx, clock: systemClock };
  let delivered = 0;
  for (const end = Date.now() + job.durationMs; Date.now() < end;) {
    delivered += (await deliverWebhooks(live, { send, workerId })).delivered;
    await new Promise((r) => setTimeout(r, 10));
  }
  outcomes.push(`delivered:${delivered}`);
}

async function main() {
  if (job.op === 'scimPatch') await patchRoles(job);
  if (job.op === 'deliverWebhooks' || job.op === 'deliverAlerts') await deliver(job);
  for (const item of attempts) {
    if (job.op === 'admit' && job.pauseMs) await new Promise((r) => setTimeout(r, job.pauseMs));
    try {
      if (job.op === 'confirm')
        outcomes.push(
          (await confirmSeatChange(ctx, job.orgId, job.change, { idempotencyKey: item, actor: `pid:${process.pid}` })).replayed
            ? 'replayed'
            : 'created',
        );
      else if (job.op === 'admit') outcomes.push((await admitSsoUser(ctx, job.orgId, { email: item })).created ? 'admitted' : 'existing');
    } catch (err) {
      outcomes.push(err instanceof Error ? err.constructor.name : 'error');
    }
  }
  db.$client.close();
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
}
void main();
