import { redactUrl } from '../../src/http/redactUrl';

describe('redactUrl', () => {
  it('hides the token of invitation and sign-in links', () => {
    expect(redactUrl('/invite/abcDEF123_-x')).toBe('/invite/[redacted]');
    expect(redactUrl('/login/abcDEF123?next=/console')).toBe('/login/[redacted]?next=/console');
    expect(redactUrl('/invitations/inv_1/resend')).toBe('/invitations/inv_1/resend');
  });

  it('hides credential query parameters, whatever their case, and keeps the others', () => {
    expect(redactUrl('/sso/org_1/oidc/callback?code=c0de&state=st4te&iss=https%3A%2F%2Fidp')).toBe(
      '/sso/org_1/oidc/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
    );
    expect(redactUrl('/sso/org_1/saml/slo?SAMLRequest=abc&RelayState=r&SigAlg=x&Signature=s')).toBe(
      '/sso/org_1/saml/slo?SAMLRequest=[redacted]&RelayState=[redacted]&SigAlg=x&Signature=[redacted]',
    );
    expect(redactUrl('/x?ID_TOKEN_HINT=t&Token=y&limit=5')).toBe('/x?ID_TOKEN_HINT=[redacted]&Token=[redacted]&limit=5');
    expect(redactUrl('/x?%63ode=secret')).toBe('/x?%63ode=[redacted]');
  });

  it('leaves a URL without secrets as it is', () => {
    expect(redactUrl('/api/v1/orgs/org_1/members?limit=10&offset=20')).toBe('/api/v1/orgs/org_1/members?limit=10&offset=20');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});
