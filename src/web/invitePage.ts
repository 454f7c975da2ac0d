import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { Conflict, DomainError, NotFound } from '../domain/errors';
import { acceptInvitation } from '../domain/provisioning/invitations';
import type { Logger } from '../logger';
import { sendPage } from './page';
import { signIn } from '../sso/session';

/** GET /invite/{token}: the link in the invitation mail. It accepts the invitation, once. */
export function invitePage(ctx: DomainContext, logger: Logger): Router {
  const router = Router();
  router.get('/invite/:token', async (req, res) => {
    try {
      const accepted = await acceptInvitation(ctx, req.params.token as string);
      const landing = await signIn(ctx, req, res, {
        orgId: accepted.orgId,
        memberId: accepted.member.id,
        role: accepted.member.role,
        via: 'invitation',
      });
      sendPage(
        res,
        200,
        `Welcome to ${accepted.orgName}`,
        [`Your invitation is accepted: ${accepted.member.email} is now a member of ${accepted.orgName}, and you are signed in.`],
        { href: landing, text: landing === '/console' ? 'Open the console' : 'Continue' },
      );
    } catch (err) {
      if (err instanceof NotFound) {
        return sendPage(res, 404, 'Invitation not found', [
          'This invitation link is not valid. Check that you opened the whole link from the email.',
        ]);
      }
      if (err instanceof Conflict) {
        const status = err.code === 'invitation-expired' ? 410 : 409;
        return sendPage(res, status, err.code === 'invitation-expired' ? 'Invitation expired' : 'Invitation already used', [err.message]);
      }
      if (err instanceof DomainError) return sendPage(res, 400, 'Invitation refused', [err.message]);
      logger.error({ err }, 'invitation acceptance failed');
      return sendPage(res, 500, 'Something went wrong', [
        'The invitation could not be accepted right now. Try the link again in a moment.',
      ]);
    }
  });
  return router;
}
