import { Router, type Request } from 'express';
import type { DomainContext } from '../domain/context';
import { getMember, listMembers } from '../domain/orgs/members';
import { getProvisioningSettings, updateProvisioningSettings } from '../domain/provisioning/settings';
import { inviteMember, listInvitations, resendInvitation, revokeInvitation } from '../domain/provisioning/invitations';
import { removeMember, updateMemberSettings } from '../domain/provisioning/memberChanges';
import type { By } from '../domain/orgs/roles';
import { findOrg } from '../domain/orgs/orgRepository';
import { parseInput } from '../domain/validation';
import { inTransaction, orgScoped } from '../domain/context';
import { expireDueInvitations } from '../domain/provisioning/seatReservation';
import { requireOrgRole } from './auth';
import { invitationListQuery, inviteBody, memberListQuery, memberPatchBody } from './requestSchemas';

function by(req: Request): By {
  return { actor: req.principal!.actor, role: req.principal!.role };
}

const orgOf = (req: Request) => req.params.org as string;

/** Members, invitations and provisioning settings: admins and above. Each call is one engine operation. */
export function memberRoutes(ctx: DomainContext): Router {
  const router = Router({ mergeParams: true });
  const admin = requireOrgRole(ctx, 'admin');
  const owner = requireOrgRole(ctx, 'owner');

  router.get('/members', admin, async (req, res) => {
    const query = parseInput(memberListQuery, req.query);
    await inTransaction(orgScoped(ctx, orgOf(req)), (tx) => expireDueInvitations(ctx, tx, orgOf(req)));
    const { members, total } = await listMembers(ctx, orgOf(req), query);
    res.json({ members, total, limit: query.limit, offset: query.offset });
  });

  router.post('/members', admin, async (req, res) => {
    const body = parseInput(inviteBody, req.body ?? {});
    const seatType = body.seatType ?? (await findOrg(ctx.db, orgOf(req)))?.defaultSeatType ?? 'standard';
    const result = await inviteMember(ctx, orgOf(req), { email: body.email, role: body.role, seatType }, by(req));
    res
      .status(201)
      .location(`/api/v1/orgs/${orgOf(req)}/members/${result.member.id}`)
      .json(result);
  });

  router.get('/members/:id', admin, async (req, res) => {
    res.json(await getMember(ctx, orgOf(req), req.params.id as string));
  });

  router.patch('/members/:id', admin, async (req, res) => {
    const body = parseInput(memberPatchBody, req.body ?? {});
    const id = req.params.id as string;
    res.json(await updateMemberSettings(ctx, orgOf(req), id, body, by(req)));
  });

  router.delete('/members/:id', admin, async (req, res) => {
    await removeMember(ctx, orgOf(req), req.params.id as string, by(req));
    res.status(204).end();
  });

  router.get('/invitations', admin, async (req, res) => {
    const query = parseInput(invitationListQuery, req.query);
    res.json({ invitations: await listInvitations(ctx, orgOf(req), query.status) });
  });

  router.post('/invitations/:id/resend', admin, async (req, res) => {
    res.json(await resendInvitation(ctx, orgOf(req), req.params.id as string, by(req)));
  });

  router.delete('/invitations/:id', admin, async (req, res) => {
    res.json(await revokeInvitation(ctx, orgOf(req), req.params.id as string, by(req)));
  });

  router.get('/provisioning', admin, async (req, res) => {
    res.json(await getProvisioningSettings(ctx, orgOf(req)));
  });

  router.put('/provisioning', owner, async (req, res) => {
    res.json(await updateProvisioningSettings(ctx, orgOf(req), req.body ?? {}, by(req)));
  });

  return router;
}
