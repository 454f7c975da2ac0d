import type { Queryable } from '../context';
import { connectionOf } from '../prepared';
import type { SeatdEvent } from './events';

/**
 * Reacts to an event in the transaction that recorded it (`q`): what it writes commits or rolls
 * back with the change. This is how alerts learn of seat changes and refusals without the ledger or
 * the provisioning engine calling them.
 */
export type EventConsumer = (q: Queryable, event: SeatdEvent) => Promise<void> | void;

// per connection, as prepared statements are: a context's consumers hold that context
const consumersByConnection = new WeakMap<object, EventConsumer[]>();

/** Registers a consumer of the events recorded on this database's connection (at composition); answers its removal. */
export function consumeEvents(db: Queryable, consumer: EventConsumer): () => void {
  const connection = connectionOf(db);
  const consumers = consumersByConnection.get(connection) ?? [];
  consumersByConnection.set(connection, [...consumers, consumer]);
  return () =>
    consumersByConnection.set(
      connection,
      (consumersByConnection.get(connection) ?? []).filter((c) => c !== consumer),
    );
}

export async function dispatchEvent(q: Queryable, event: SeatdEvent): Promise<void> {
  const consumers = consumersByConnection.get(connectionOf(q));
  if (consumers) for (const consume of consumers) await consume(q, event);
}
