import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createLogger, type Logger } from '../../src/logger';
import { createTestContext, type TestContext } from './testContext';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

export type TestApp = { app: Express; ctx: TestContext };

/** The real Express app over a real SQLite file, with the operator token set, a movable clock and group commit (as served). */
export function createTestApp(
  now?: string,
  options: {
    beforeCommit?: () => void;
    samlSp?: { key: string; cert: string };
    outboundAllowPrivateNetworks?: boolean;
    logger?: Logger;
    /** Tests that call every route without credentials on purpose raise the failed-authentication limit. */
    authFailuresPerMinute?: number;
    publicUrl?: string;
    /** The seller on invoices (INVOICE_SELLER_NAME, INVOICE_SELLER_ADDRESS). */
    seller?: { name: string; address: string[] };
  } = {},
): TestApp {
  const publicUrl = options.publicUrl ?? 'http://seatd.test';
  const logger = options.logger ?? createLogger('silent');
  const ctx = createTestContext(now, { groupCommit: true, beforeCommit: options.beforeCommit, publicUrl, logger });
  const app = createApp({
    ctx,
    // the identity providers and webhook receivers of the tests run on loopback
    config: {
      operatorToken: OPERATOR_TOKEN,
      publicUrl,
      samlSp: options.samlSp,
      outboundAllowPrivateNetworks: options.outboundAllowPrivateNetworks ?? true,
      authFailuresPerMinute: options.authFailuresPerMinute,
      seller: options.seller,
    },
    logger,
  });
  app.locals.testClock = ctx.clock; // org fixtures start the contract term in the clock's year
  return { app, ctx };
}
