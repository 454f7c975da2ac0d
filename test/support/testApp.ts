import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
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
    publicUrl?: string;
  } = {},
): TestApp {
  const publicUrl = options.publicUrl ?? 'http://seatd.test';
  const ctx = createTestContext(now, { groupCommit: true, beforeCommit: options.beforeCommit, publicUrl });
  const app = createApp({
    ctx,
    // the identity providers and webhook receivers of the tests run on loopback
    config: {
      operatorToken: OPERATOR_TOKEN,
      publicUrl,
      samlSp: options.samlSp,
      outboundAllowPrivateNetworks: options.outboundAllowPrivateNetworks ?? true,
    },
    logger: createLogger('silent'),
  });
  return { app, ctx };
}
