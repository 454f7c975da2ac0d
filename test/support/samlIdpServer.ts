import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createTestIdp, samlResponse, type TestIdp } from './samlIdp';

/**
 * A SAML identity provider a real browser can visit: it serves its metadata, and at its sign-on URL
 * answers seatd's AuthnRequest with a page whose button posts a signed SAMLResponse to seatd's ACS
 * (as Okta and Entra do after the person signs in there).
 */
export type SamlIdpServer = {
  url: string;
  idp: TestIdp;
  metadataXml: string;
  /** Who signs in next, and what the IdP says of them. */
  user: { email: string; attributes: Record<string, string | string[]> };
  /** Sign the next answers with this key instead of the IdP's own (a bad signature), until reset to undefined. */
  signWith: { key: string; cert: string } | undefined;
  close: () => Promise<void>;
};

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export async function startSamlIdpServer(): Promise<SamlIdpServer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp = await createTestIdp(`${url}/metadata`);
  const metadataXml =
    `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${idp.issuer}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${idp.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${url}/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;
  const state: SamlIdpServer = {
    url,
    idp,
    metadataXml,
    user: { email: 'someone@example.com', attributes: {} },
    signWith: undefined,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('request', (req, res) => {
    const at = new URL(req.url ?? '/', url);
    if (at.pathname === '/metadata') return void res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(metadataXml);
    if (at.pathname !== '/sso') return void res.writeHead(404).end();
    const request = zlib.inflateRawSync(Buffer.from(at.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    const id = /\sID="([^"]+)"/.exec(request)?.[1];
    const acs = /AssertionConsumerServiceURL="([^"]+)"/.exec(request)?.[1] ?? '';
    const audience = /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(request)?.[1] ?? '';
    const response = samlResponse({
      idp,
      ...(state.signWith ? { signWith: state.signWith } : {}),
      inResponseTo: id,
      audience,
      recipient: acs,
      nameId: state.user.email,
      attributes: { email: state.user.email, ...state.user.attributes },
    });
    const relay = at.searchParams.get('RelayState');
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><html><body><h1>Test IdP</h1><p>Signed in as ${escapeAttr(state.user.email)}</p>` +
          `<form method="post" action="${escapeAttr(acs)}"><input type="hidden" name="SAMLResponse" value="${response}"/>` +
          (relay ? `<input type="hidden" name="RelayState" value="${escapeAttr(relay)}"/>` : '') +
          `<button type="submit">Continue to seatd</button></form></body></html>`,
      );
  });
  return state;
}
