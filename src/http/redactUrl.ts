/** Paths whose last segment is a bearer secret: whoever reads it in a log could accept the invitation or sign in. */
const SECRET_PATHS = [/^(\/invite\/)[^/?#]+/, /^(\/login\/)[^/?#]+/];

/** Query parameters that carry credentials in OAuth/OIDC and SAML redirects (compared without case). */
const SECRET_PARAMS = new Set(
  [
    'code',
    'state',
    'token',
    'access_token',
    'refresh_token',
    'id_token',
    'id_token_hint',
    'client_secret',
    'code_verifier',
    'session_state',
    'password',
    'SAMLResponse',
    'SAMLRequest',
    'RelayState',
    'Signature',
    'logout_hint',
  ].map((p) => p.toLowerCase()),
);

export const REDACTED = '[redacted]';

/** The URL as it may be logged: secret path segments and credential query values replaced, everything else as sent. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  for (const pattern of SECRET_PATHS) path = path.replace(pattern, `$1${REDACTED}`);
  if (queryAt === -1) return path;
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed name is logged as sent
      }
      return SECRET_PARAMS.has(decoded.toLowerCase()) && eq !== -1 ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}
