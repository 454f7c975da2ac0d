import crypto from 'node:crypto';
import zlib from 'node:zlib';
import selfsigned from 'selfsigned';
import { SignedXml } from 'xml-crypto';
import xmlenc from 'xml-encryption';

/** A test identity provider: a real RSA key and X.509 certificate, and SAML responses signed with them. */
export type TestIdp = { issuer: string; key: string; cert: string; certBase64: string };

export async function createTestIdp(issuer = 'http://idp.test/metadata'): Promise<TestIdp> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'idp.test' }], { keySize: 2048, algorithm: 'sha256' });
  return { issuer, key: pems.private, cert: pems.cert, certBase64: pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '') };
}

/** The ID of the AuthnRequest in a redirect-binding login URL. */
export function authnRequestId(loginRedirect: string): string {
  const request = new URL(loginRedirect).searchParams.get('SAMLRequest')!;
  const xml = zlib.inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  return /\sID="([^"]+)"/.exec(xml)![1]!;
}

export type ResponseOptions = {
  idp: TestIdp;
  signWith?: { key: string; cert: string } | null; // null: unsigned
  inResponseTo?: string;
  audience: string;
  recipient: string;
  nameId: string;
  nameIdXml?: string; // raw NameID content, for injection tests
  attributes?: Record<string, string | string[]>;
  now?: Date;
  notOnOrAfterMinutes?: number;
  assertionId?: string;
  issuer?: string;
  /** Adds, after signing, a second unsigned assertion (XML signature wrapping). */
  wrapWith?: { nameId: string };
};

/** A key pair for seatd as a SAML service provider, as an operator would make one (SAML_SP_KEY_FILE, SAML_SP_CERT_FILE). */
export async function createServiceProviderKeys(): Promise<{ key: string; cert: string }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'seatd.test' }], { keySize: 2048, algorithm: 'sha256' });
  return { key: pems.private, cert: pems.cert };
}

/**
 * The same SAMLResponse with its signed assertion encrypted to the service provider's certificate
 * (AES-256-GCM content key wrapped with RSA-OAEP), as Entra's token encryption and Okta's assertion
 * encryption send it.
 */
export async function encryptedSamlResponse(o: ResponseOptions & { encryptTo: string }): Promise<string> {
  const xml = Buffer.from(samlResponse(o), 'base64').toString('utf8');
  const assertion = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
  const encrypted = await new Promise<string>((resolve, reject) =>
    xmlenc.encrypt(
      assertion,
      {
        rsa_pub: crypto.createPublicKey(o.encryptTo).export({ type: 'spki', format: 'pem' }).toString(),
        pem: o.encryptTo,
        encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
        keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  );
  return Buffer.from(xml.replace(assertion, `<saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion>`)).toString('base64');
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function assertionXml(o: ResponseOptions, id: string, nameId: string): string {
  const now = o.now ?? new Date();
  const notOnOrAfter = new Date(now.getTime() + (o.notOnOrAfterMinutes ?? 5) * 60_000);
  const inResponseTo = o.inResponseTo ? ` InResponseTo="${o.inResponseTo}"` : '';
  const attributes = Object.entries(o.attributes ?? {})
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${name}">${(Array.isArray(value) ? value : [value]).map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
    )
    .join('');
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${o.issuer ?? o.idp.issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${o.recipient}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(new Date(now.getTime() - 60_000))}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${o.audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="_s${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`
  );
}

/** A base64 SAMLResponse as the IdP posts it, with its assertion signed (RSA-SHA256, exclusive c14n). */
export function samlResponse(o: ResponseOptions): string {
  const now = o.now ?? new Date();
  const assertionId = o.assertionId ?? `_a${crypto.randomBytes(12).toString('hex')}`;
  const inResponseTo = o.inResponseTo ? ` InResponseTo="${o.inResponseTo}"` : '';
  let assertion = assertionXml(o, assertionId, o.nameIdXml ?? o.nameId);
  const signer = o.signWith === undefined ? { key: o.idp.key, cert: o.idp.cert } : o.signWith;
  if (signer) {
    const sig = new SignedXml({
      privateKey: signer.key,
      publicCert: signer.cert,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: "//*[local-name(.)='Assertion']",
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    sig.computeSignature(assertion, {
      location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    });
    assertion = sig.getSignedXml();
  }
  if (o.wrapWith) {
    // The attack: an unsigned evil assertion placed first, the genuine signed one after it.
    const evil = assertionXml(o, `_evil${crypto.randomBytes(6).toString('hex')}`, o.wrapWith.nameId);
    assertion = evil + assertion;
  }
  const xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${crypto.randomBytes(12).toString('hex')}" Version="2.0" IssueInstant="${iso(now)}" Destination="${o.recipient}"${inResponseTo}>` +
    `<saml:Issuer>${o.issuer ?? o.idp.issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  return Buffer.from(xml).toString('base64');
}

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/**
 * The query of an IdP-initiated LogoutRequest on the HTTP-Redirect binding: deflated, base64, and
 * signed over `SAMLRequest=…&SigAlg=…` as the binding defines (unsigned when `signWith` is null).
 */
export function logoutRequestQuery(o: LogoutRequestOptions & { signWith?: { key: string } | null }): string {
  const xml = logoutRequestXml(o);
  const request = `SAMLRequest=${encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
  const signer = o.signWith === undefined ? { key: o.idp.key } : o.signWith;
  if (!signer) return request;
  const signed = `${request}&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
  const signature = crypto.sign('sha256', Buffer.from(signed), signer.key).toString('base64');
  return `${signed}&Signature=${encodeURIComponent(signature)}`;
}

type LogoutRequestOptions = { idp: TestIdp; destination: string; nameId: string; sessionIndex?: string; issuer?: string };

function logoutRequestXml(o: LogoutRequestOptions): string {
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr${crypto.randomBytes(12).toString('hex')}" Version="2.0" IssueInstant="${iso(new Date())}" Destination="${o.destination}">` +
    `<saml:Issuer>${o.issuer ?? o.idp.issuer}</saml:Issuer>` +
    `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${o.nameId}</saml:NameID>` +
    (o.sessionIndex ? `<samlp:SessionIndex>${o.sessionIndex}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`
  );
}

/** A LogoutRequest for the HTTP-POST binding: base64 XML with an enveloped XML signature (unsigned when `signed` is false). */
export function postedLogoutRequest(o: LogoutRequestOptions & { signed?: boolean }): string {
  let xml = logoutRequestXml(o);
  if (o.signed !== false) {
    const sig = new SignedXml({
      privateKey: o.idp.key,
      publicCert: o.idp.cert,
      signatureAlgorithm: RSA_SHA256,
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: "/*[local-name(.)='LogoutRequest']",
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    sig.computeSignature(xml, { location: { reference: "/*[local-name(.)='LogoutRequest']/*[local-name(.)='Issuer']", action: 'after' } });
    xml = sig.getSignedXml();
  }
  return Buffer.from(xml).toString('base64');
}

/** The SAML message in a redirect-binding URL, inflated. */
export function inflatedMessage(url: string, param: 'SAMLRequest' | 'SAMLResponse'): string {
  return zlib.inflateRawSync(Buffer.from(new URL(url).searchParams.get(param)!, 'base64')).toString('utf8');
}

/** The IdP's answer to seatd's LogoutRequest, on the HTTP-Redirect binding (unsigned, as Entra sends it). */
export function logoutResponseQuery(o: { idp: TestIdp; inResponseTo: string; destination: string; issuer?: string }): string {
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lo${crypto.randomBytes(12).toString('hex')}" Version="2.0" IssueInstant="${iso(new Date())}" Destination="${o.destination}" InResponseTo="${o.inResponseTo}">` +
    `<saml:Issuer>${o.issuer ?? o.idp.issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `</samlp:LogoutResponse>`;
  return `SAMLResponse=${encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
}
