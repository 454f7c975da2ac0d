import crypto from 'node:crypto';

let lastMs = 0;
let lastTail = 0;

/**
 * Prefixed ids (`org_…`, `mem_…`) say what they name when they turn up in a log. The 20 hex digits
 * are the creation time in ms (12) and a random tail (8) that counts up within one millisecond, so
 * ids sort by creation and a new row lands at the end of its primary-key index instead of on a
 * random page: inserts dirty fewer pages. Ids are not secrets; tokens carry a separate secret.
 */
export function newId(prefix: string): string {
  const ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    lastTail = crypto.randomBytes(4).readUInt32BE(0) >>> 1;
  } else lastTail = (lastTail + 1) >>> 0;
  return `${prefix}_${lastMs.toString(16).padStart(12, '0')}${lastTail.toString(16).padStart(8, '0')}`;
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
