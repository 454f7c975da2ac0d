import type { Response } from 'express';
import { failureCategory, failureInWords } from '../domain/sso/signInFailures';
import { html } from '../web/html';
import { sendFormPage } from '../web/page';

export type TestedIdentity = {
  nameId: string;
  email: string | undefined;
  givenName: string | undefined;
  familyName: string | undefined;
  groups: string[];
  attributes: Record<string, string[]>;
};

const back = html`<p><a href="/console/sso">Back to the identity provider page</a></p>`;

/** The outcome of a console "Test sign-in": what the IdP sent and how seatd reads it; nobody is signed in or created. */
export function sendSsoTestResult(res: Response, outcome: { ok: true; identity: TestedIdentity } | { ok: false; reason: string }): void {
  if (!outcome.ok) {
    return sendFormPage(
      res,
      401,
      'Test sign-in failed',
      html`<p class="error" role="alert">${failureInWords(failureCategory(outcome.reason))}</p>
        <p>Detail: ${outcome.reason}</p>
        ${back}`,
    );
  }
  const { identity } = outcome;
  const row = (name: string, value: string | undefined) =>
    html`<tr>
      <th scope="row">${name}</th>
      <td>${value ?? '(none)'}</td>
    </tr>`;
  sendFormPage(
    res,
    200,
    'Test sign-in passed',
    html`<p role="status">The identity provider’s answer was signed, addressed to seatd and valid. Nobody was signed in or created.</p>
      <h2>How seatd reads it</h2>
      <table>
        ${row('NameID', identity.nameId)}${row('Email', identity.email)}${row('Given name', identity.givenName)}${row(
          'Family name',
          identity.familyName,
        )}${row('Groups', identity.groups.join(', ') || undefined)}
      </table>
      <h2>Attributes received</h2>
      <table>
        ${Object.entries(identity.attributes).map(([name, values]) => row(name, values.join(', ')))}
      </table>
      ${identity.email ? '' : html`<p class="error" role="alert">No email address: a real sign-in would be refused.</p>`} ${back}`,
  );
}
