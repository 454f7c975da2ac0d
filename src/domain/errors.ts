import type { SeatType } from './seatTypes';

/**
 * The one error hierarchy of the domain. Adapters map each class once to their protocol:
 * problem+json for the JSON API, SCIM error JSON, an HTML page for browsers.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type FieldProblem = { field: string; message: string };

/** Bad input: names the field(s) at fault. */
export class Invalid extends DomainError {
  readonly code = 'invalid';
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
  static field(field: string, message: string): Invalid {
    return new Invalid(`${field}: ${message}`, [{ field, message }]);
  }
}

export class NotFound extends DomainError {
  readonly code = 'not-found';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} was not found`);
  }
}

/** The request is well-formed but clashes with current state (duplicate, idempotency-key reuse, ended term). */
export class Conflict extends DomainError {
  readonly code: string;
  constructor(message: string, code = 'conflict') {
    super(message);
    this.code = code;
  }
}

/** What was asked for existed once and is gone for good (an event cursor older than retention). */
export class Gone extends DomainError {
  constructor(
    message: string,
    readonly code = 'gone',
  ) {
    super(message);
  }
}

/**
 * Versions a write is made on condition of (If-Match): the guarded statement itself checks them, so
 * a change committed between a client's read and its write is never overwritten. Undefined: any.
 */
export type IfVersion = readonly number[] | undefined;

/** A write made on condition of a version (If-Match) found another one: someone changed the resource first. */
export class StaleVersion extends DomainError {
  readonly code = 'stale-version';
  constructor(
    readonly entity: string,
    readonly expected: readonly number[],
    readonly current: number | undefined,
  ) {
    super(
      `The ${entity} changed: it is at version ${current ?? 'none (it is gone)'}, not ${expected.join(' or ')}; read it again and retry`,
    );
  }
}

export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}

/** No free seat of the type asked for: the new member is refused. */
export class NoSeatAvailable extends DomainError {
  readonly code = 'no-seat-available';
  constructor(
    readonly orgId: string,
    readonly seatType: SeatType,
  ) {
    super(
      `No ${seatType} seat is free in organization ${orgId}: every purchased ${seatType} seat is assigned. ` + 'An owner can add seats.',
    );
  }
}
