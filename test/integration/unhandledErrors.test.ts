import express from 'express';
import request from 'supertest';
import { capturedLog } from '../support/capturedLog';
import { requestLog } from '../../src/http/requestLog';
import { unhandledErrors } from '../../src/http/unhandledErrors';

describe('the last error handler', () => {
  it('logs what no adapter answered as one JSON line with the error serialized, and shows nothing of it', async () => {
    const { logger, lines } = capturedLog();
    const app = express();
    app.use(requestLog(logger));
    app.get('/login/:token', () => {
      throw new Error('the database is on fire');
    });
    app.use(unhandledErrors(logger));
    const res = await request(app).get('/login/secret-login-token').set('X-Request-Id', 'r-1').expect(500);
    expect(res.text).toBe('Internal server error\n');
    expect(res.text).not.toContain('fire');
    const logged = lines().find((l) => l.level === 50);
    expect(logged).toMatchObject({
      msg: 'unhandled error',
      reqId: 'r-1',
      url: '/login/[redacted]',
      err: { type: 'Error', message: 'the database is on fire', stack: expect.stringContaining('Error: the database is on fire') },
    });
  });
});
