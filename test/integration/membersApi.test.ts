import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { createSmtpMailer } from '../../src/mail/mailer';
import { OPERATOR_TOKEN } from '../support/testApp';
import { createTestContext, type TestContext } from '../support/testContext';
import { orgWithToken, tokenFor } from '../support/httpFixtures';
import { mimeParts, startSmtpCapture } from '../support/smtpCapture';

describe('members and invitations over HTTP, with mail through a real SMTP server', () => {
  let ctx: TestContext;
  let app: Express;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let orgId: string;
  let auth: Record<string, string>;
  let domain: string;

  beforeEach(async () => {
    smtp = await startSmtpCapture();
    ctx = createTestContext('2026-03-01T09:00:00Z');
    ctx.mailer = createSmtpMailer(smtp.url, 'seatd <no-reply@seatd.test>', createLogger('silent'));
    app = createApp({ ctx, config: { operatorToken: OPERATOR_TOKEN, publicUrl: ctx.publicUrl }, logger: createLogger('silent') });
    const created = await orgWithToken(app, 'owner', { contract: { seats: { standard: 3, premium: 1 } } });
    ({ orgId, auth } = created);
    domain = created.org.domains[0];
  });
  afterEach(async () => {
    await smtp.close();
    ctx.close();
  });

  const url = (p: string) => `/api/v1/orgs/${orgId}${p}`;
  const linkIn = (to: string) => {
    const mail = smtp.messages.filter((m) => m.to.includes(to)).at(-1)!;
    const parts = mimeParts(mail.raw);
    return { parts, link: /http:\/\/seatd\.test\/invite\/[A-Za-z0-9_-]+/.exec(parts['text/plain']!)![0] };
  };

  it('invites by email, delivers a text and an HTML part with the link and expiry, and the link accepts once', async () => {
    const res = await request(app)
      .post(url('/members'))
      .set(auth)
      .send({ email: `jane@${domain}`, role: 'member', seatType: 'premium' })
      .expect(201);
    expect(res.body).toMatchObject({
      member: { email: `jane@${domain}`, status: 'invited', seatType: 'premium' },
      invitation: { status: 'pending' },
      delivery: 'sent',
    });
    const { parts, link } = linkIn(`jane@${domain}`);
    expect(parts['text/plain']).toContain('expires on Sun, 22 Mar 2026 09:00:00 GMT');
    expect(parts['text/html']).toContain(`href="${link}"`);
    expect(parts['text/html']).toContain('22 Mar 2026');

    const page = await request(app).get(new URL(link).pathname).expect(200);
    expect(page.text).toContain(`jane@${domain} is now a member`);
    expect(page.headers['set-cookie']![0]).toMatch(/^seatd_session=.+HttpOnly; SameSite=Lax/);
    await request(app)
      .get(url(`/members/${res.body.member.id}`))
      .set(auth)
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('active'));
    const again = await request(app).get(new URL(link).pathname).expect(409);
    expect(again.text).toContain('already accepted');
  });

  it('expires an invitation after 21 days: the link says so and the seat is free again', async () => {
    await request(app)
      .post(url('/members'))
      .set(auth)
      .send({ email: `late@${domain}`, seatType: 'premium' })
      .expect(201);
    const { link } = linkIn(`late@${domain}`);
    expect((await request(app).get(url('/seats')).set(auth)).body.premium.available).toBe(0);
    ctx.clock.advanceDays(21);
    const page = await request(app).get(new URL(link).pathname).expect(410);
    expect(page.text).toContain('Invitation expired');
    expect((await request(app).get(url('/seats')).set(auth)).body.premium.available).toBe(1);
    await request(app)
      .get(url('/invitations?status=expired'))
      .set(auth)
      .expect(200)
      .expect((r) => expect(r.body.invitations.map((i: { email: string }) => i.email)).toContain(`late@${domain}`));
  });

  it('lists, filters, pages, edits and removes members', async () => {
    for (const name of ['a', 'b'])
      await request(app)
        .post(url('/members'))
        .set(auth)
        .send({ email: `${name}@${domain}` })
        .expect(201);
    const all = await request(app).get(url('/members?limit=2&offset=0')).set(auth).expect(200);
    expect(all.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(all.body.members).toHaveLength(2);
    const page2 = await request(app).get(url('/members?limit=2&offset=2')).set(auth).expect(200);
    expect(page2.body.members).toHaveLength(1);
    const owners = await request(app).get(url('/members?role=primary_owner')).set(auth).expect(200);
    expect(owners.body.members.map((m: { email: string }) => m.email)).toEqual([`owner@${domain}`]);
    await request(app).get(url('/members?status=bogus')).set(auth).expect(400);

    // members list in creation order, then by id: with the test's frozen clock the order of a and b is the ids'
    const everyone = (await request(app).get(url('/members?limit=10')).set(auth).expect(200)).body.members as {
      id: string;
      email: string;
    }[];
    const a = everyone.find((m) => m.email === `a@${domain}`)!;
    const patched = await request(app)
      .patch(url(`/members/${a.id}`))
      .set(auth)
      .send({ role: 'admin', seatType: 'premium' })
      .expect(200);
    expect(patched.body).toMatchObject({ role: 'admin', seatType: 'premium' });
    const b = everyone.find((m) => m.email === `b@${domain}`)!;
    const noSeat = await request(app)
      .patch(url(`/members/${b.id}`))
      .set(auth)
      .send({ seatType: 'premium', role: 'admin' })
      .expect(409);
    expect(noSeat.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(noSeat.body.type).toBe('urn:seatd:problem:no-seat-available');
    expect(
      (
        await request(app)
          .get(url(`/members/${b.id}`))
          .set(auth)
      ).body,
    ).toMatchObject({ role: 'member', seatType: 'standard' }); // all or nothing
    await request(app)
      .patch(url(`/members/${b.id}`))
      .set(auth)
      .send({})
      .expect(400);

    await request(app)
      .delete(url(`/members/${a.id}`))
      .set(auth)
      .expect(204);
    await request(app)
      .get(url(`/members/${a.id}`))
      .set(auth)
      .expect(404);
    expect((await request(app).get(url('/seats')).set(auth)).body.premium.assigned).toBe(0);
  });

  it('re-sends and revokes invitations', async () => {
    const created = await request(app)
      .post(url('/members'))
      .set(auth)
      .send({ email: `r@${domain}` })
      .expect(201);
    const first = linkIn(`r@${domain}`).link;
    const resent = await request(app)
      .post(url(`/invitations/${created.body.invitation.id}/resend`))
      .set(auth)
      .expect(200);
    expect(resent.body.invitation.id).not.toBe(created.body.invitation.id);
    expect(linkIn(`r@${domain}`).link).not.toBe(first);
    await request(app).get(new URL(first).pathname).expect(409);
    await request(app)
      .delete(url(`/invitations/${resent.body.invitation.id}`))
      .set(auth)
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('revoked'));
    await request(app)
      .delete(url(`/invitations/${resent.body.invitation.id}`))
      .set(auth)
      .expect(409);
    await request(app).post(url('/invitations/invt_00000000000000000000/resend')).set(auth).expect(404);
  });

  it('answers each refusal in problem+json: bad domain 400, admin making an owner 403, no seat 409', async () => {
    const bad = await request(app).post(url('/members')).set(auth).send({ email: 'x@evil.example' }).expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'email' });
    const admin = await tokenFor(app, orgId, 'admin');
    const forbidden = await request(app)
      .post(url('/members'))
      .set(admin)
      .send({ email: `o@${domain}`, role: 'owner' })
      .expect(403);
    expect(forbidden.body.type).toBe('urn:seatd:problem:forbidden');
    await request(app)
      .post(url('/members'))
      .set(auth)
      .send({ email: `p@${domain}`, seatType: 'premium' })
      .expect(201);
    const full = await request(app)
      .post(url('/members'))
      .set(auth)
      .send({ email: `q@${domain}`, seatType: 'premium' })
      .expect(409);
    expect(full.body).toMatchObject({ type: 'urn:seatd:problem:no-seat-available', seatType: 'premium' });
    const refusals = await request(app).get(url('/refusals')).set(auth).expect(200);
    expect(refusals.body.refusals[0]).toMatchObject({ email: `q@${domain}`, path: 'invite', seatType: 'premium' });
  });

  it('sets the provisioning mode, default seat type and group map', async () => {
    const res = await request(app)
      .put(url('/provisioning'))
      .set(auth)
      .send({ mode: 'jit', defaultSeatType: 'premium', groupSeatTypes: { Eng: 'premium' } })
      .expect(200);
    expect(res.body).toEqual({ mode: 'jit', defaultSeatType: 'premium', groupSeatTypes: { Eng: 'premium' } });
    await request(app).get(url('/provisioning')).set(auth).expect(200, res.body);
    const bad = await request(app).put(url('/provisioning')).set(auth).send({ mode: 'sometimes' }).expect(400);
    expect(bad.body.errors[0].field).toBe('mode');
  });
});
