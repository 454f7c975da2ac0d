import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { listAudit } from '../domain/audit/auditLog';
import { parseInput } from '../domain/validation';
import { requireOrgRole } from './auth';
import { auditQuery } from './requestSchemas';

export function auditRoutes(ctx: DomainContext): Router {
  const router = Router({ mergeParams: true });
  router.get('/audit', requireOrgRole(ctx, 'admin'), async (req, res) => {
    const query = parseInput(auditQuery, req.query);
    const entries = await listAudit(ctx.db, req.params.org as string, query);
    const last = entries.at(-1);
    const { before: _before, ...filters } = query;
    const next = new URLSearchParams(
      Object.entries({ ...filters, before: last?.id })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    );
    res.json({ entries, next: entries.length === query.limit && last ? `?${next}` : null });
  });
  return router;
}
