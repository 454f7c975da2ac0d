import { z } from 'zod';
import { Invalid } from './errors';

/** Parses input with a zod schema; failures become one Invalid naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  throw new Invalid(fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

/** An email address as every path takes it (JSON API, SCIM, sign-in): trimmed, lower-cased, and of the usual shape. */
export const emailAddress = z.string().trim().toLowerCase().pipe(z.email('must be an email address'));

export function isEmailAddress(value: string): boolean {
  return emailAddress.safeParse(value).success;
}
