export * from './errors';
export * from './seatTypes';
export type { DomainContext, Actor } from './context';
