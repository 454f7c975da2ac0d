import crypto from 'node:crypto';

/** Prefixed random ids (`org_…`, `inv_…`) say what they name when they turn up in a log. */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(10).toString('hex')}`;
}

export function sha256Hex(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

/** Compares two hex digests in constant time. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}

export function newSecret(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
