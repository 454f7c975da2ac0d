import { Router } from 'express';
import { sendPage } from './page';

/** `GET /`: what this server is and where to go, instead of Express's "Cannot GET /". */
export function homePage(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    sendPage(
      res,
      200,
      'seatd',
      [
        'This server runs seatd, which provisions the people of organizations on seat-based plans.',
        "People sign in with the link in their invitation, or at their organization's sign-in page (/sso/<organization id>). Admins and owners manage members, seats and invoices in the console.",
        'Integrations: the admin API is described at /api/v1/openapi.json; identity providers provision users through SCIM 2.0 at /scim/v2.',
      ],
      { href: '/console', text: 'Open the console' },
    );
  });
  return router;
}
