import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../domain/context';
import { getMember, type Member } from '../domain/orgs/members';
import { queryMembers } from '../domain/orgs/memberQuery';
import { removeMember } from '../domain/provisioning/memberChanges';
import { provisionScimUser, scimBy, updateScimUser } from '../domain/provisioning/scimProvisioning';
import { NotFound } from '../domain/errors';
import {
  changeGroup,
  createGroup,
  deleteGroup,
  getGroup,
  getGroupHeader,
  queryGroups,
  replaceGroup,
  type Group,
} from '../domain/provisioning/groups';
import { applyGroupPatch, fromScimGroup, groupEtag, groupFilter, toScimGroup } from './groupResource';
import type { Logger } from '../logger';
import { listResponse, resourceTypes, schemaDocuments, serviceProviderConfig } from './discovery';
import { parseFilter } from './filterParser';
import { requireScimToken } from './scimAuth';
import { ScimError, scimErrorHandler, sendScimError } from './scimError';
import { sortField, userFilter } from './userFilter';
import { etagOf, fromScimUser, project, toScimUser } from './userResource';
import { patchUser } from './userPatch';

const MAX_COUNT = 1000;

const listParams = z.object({
  filter: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: z.enum(['ascending', 'descending']).optional(),
  startIndex: z.coerce.number().int().optional(),
  count: z.coerce.number().int().optional(),
  attributes: z.string().optional(),
  excludedAttributes: z.string().optional(),
});

function readListParams(source: unknown) {
  const parsed = listParams.safeParse(source ?? {});
  if (!parsed.success)
    throw new ScimError(400, 'invalidValue', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

/** Express 5 hands JSON bodies to us only for the media types we list; SCIM clients send application/scim+json. */
const scimJson = express.json({ type: ['application/scim+json', 'application/json'], limit: '1mb' });

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/scim+json').send(JSON.stringify(body));
}

/** If-Match on writes: a stale version is refused with 412. */
function checkIfMatch(req: Request, etag: string, what: string): void {
  const ifMatch = req.get('if-match');
  const matches = (ifMatch ?? '*')
    .split(',')
    .map((s) => s.trim())
    .some((tag) => tag === '*' || tag === etag);
  if (!matches) throw new ScimError(412, undefined, `The ${what} changed since version ${ifMatch}; it is now ${etag}`);
}

/** Reads a resource of the token's org, answering a SCIM 404 when there is none. */
function existing<T>(read: () => T, what: string, id: string): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof NotFound) throw new ScimError(404, undefined, `${what} ${id} not found`);
    throw err;
  }
}

/** /scim/v2: Users, discovery and search, for Okta and Entra ID; one org per SCIM token. */
export function scimRouter(ctx: DomainContext, logger: Logger): Router {
  const router = Router();
  const baseUrl = () => `${ctx.publicUrl}/scim/v2`;
  router.use(requireScimToken(ctx));
  router.use(scimJson);

  const memberOf = (req: Request): Member =>
    existing(() => getMember(ctx, req.scimOrgId!, req.params.id as string), 'User', req.params.id as string);

  const listUsers = (req: Request, res: Response, params: ReturnType<typeof readListParams>) => {
    const startIndex = Math.max(1, params.startIndex ?? 1);
    const count = Math.min(MAX_COUNT, Math.max(0, params.count ?? 100));
    const page = queryMembers(ctx, req.scimOrgId!, {
      filter: params.filter ? userFilter(parseFilter(params.filter)) : undefined,
      sortBy: params.sortBy ? sortField(params.sortBy) : undefined,
      descending: params.sortOrder === 'descending',
      offset: startIndex - 1,
      limit: count,
    });
    const resources = page.members.map((m) => project(toScimUser(m, baseUrl()), params.attributes, params.excludedAttributes));
    send(res, 200, listResponse(resources, page.total, startIndex));
  };

  router.get('/ServiceProviderConfig', (_req, res) => send(res, 200, serviceProviderConfig(baseUrl())));
  router.get('/ResourceTypes', (_req, res) => send(res, 200, listResponse(resourceTypes(baseUrl()))));
  router.get('/ResourceTypes/:id', (req, res) => {
    const found = resourceTypes(baseUrl()).find((r) => r.id === req.params.id);
    if (!found) throw new ScimError(404, undefined, `Resource type ${req.params.id} not found`);
    send(res, 200, found);
  });
  router.get('/Schemas', (_req, res) => send(res, 200, listResponse(schemaDocuments(baseUrl()))));
  router.get('/Schemas/:id', (req, res) => {
    const found = schemaDocuments(baseUrl()).find((s) => s.id === req.params.id);
    if (!found) throw new ScimError(404, undefined, `Schema ${req.params.id} not found`);
    send(res, 200, found);
  });

  router.get('/Users', (req, res) => listUsers(req, res, readListParams(req.query)));
  const search = (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!Array.isArray(body.schemas) || !body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:SearchRequest')) {
      throw new ScimError(400, 'invalidSyntax', 'A search needs schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]');
    }
    const join = (v: unknown) => (Array.isArray(v) ? v.join(',') : v);
    listUsers(req, res, readListParams({ ...body, attributes: join(body.attributes), excludedAttributes: join(body.excludedAttributes) }));
  };
  router.post('/Users/.search', search);
  router.post('/.search', search);

  router.post('/Users', (req, res) => {
    const input = fromScimUser(req.body);
    const member = provisionScimUser(ctx, req.scimOrgId!, input, req.scimActor!);
    const resource = toScimUser(member, baseUrl());
    res.location((resource.meta as { location: string }).location).set('ETag', etagOf(member));
    send(res, 201, resource);
  });

  router.get('/Users/:id', (req, res) => {
    const member = memberOf(req);
    if (
      req
        .get('if-none-match')
        ?.split(',')
        .map((s) => s.trim())
        .includes(etagOf(member))
    )
      return void res.status(304).end();
    res.set('ETag', etagOf(member));
    send(res, 200, project(toScimUser(member, baseUrl()), req.query.attributes as string, req.query.excludedAttributes as string));
  });

  router.put('/Users/:id', (req, res) => {
    const current = memberOf(req);
    checkIfMatch(req, etagOf(current), 'user');
    const member = updateScimUser(ctx, req.scimOrgId!, current.id, fromScimUser(req.body), scimBy(req.scimActor!, req.scimRole!));
    res.set('ETag', etagOf(member));
    send(res, 200, toScimUser(member, baseUrl()));
  });

  router.patch('/Users/:id', async (req, res) => {
    const current = memberOf(req);
    checkIfMatch(req, etagOf(current), 'user');
    const patched = await patchUser(toScimUser(current, baseUrl()), req.body);
    const member = patched
      ? updateScimUser(ctx, req.scimOrgId!, current.id, fromScimUser(patched), scimBy(req.scimActor!, req.scimRole!))
      : current;
    res.set('ETag', etagOf(member));
    send(res, 200, toScimUser(member, baseUrl()));
  });

  router.delete('/Users/:id', (req, res) => {
    const current = memberOf(req);
    checkIfMatch(req, etagOf(current), 'user');
    removeMember(ctx, req.scimOrgId!, current.id, scimBy(req.scimActor!, req.scimRole!));
    res.status(204).end();
  });

  const groupOf = (req: Request): Group =>
    existing(() => getGroup(ctx, req.scimOrgId!, req.params.id as string), 'Group', req.params.id as string);
  const groupHeaderOf = (req: Request) =>
    existing(() => getGroupHeader(ctx, req.scimOrgId!, req.params.id as string), 'Group', req.params.id as string);
  const withoutMembers = (req: Request) => /(^|,)\s*members\s*(,|$)/i.test(String(req.query.excludedAttributes ?? ''));

  router.get('/Groups', (req, res) => {
    const params = readListParams(req.query);
    const startIndex = Math.max(1, params.startIndex ?? 1);
    const count = Math.min(MAX_COUNT, Math.max(0, params.count ?? 100));
    const page = queryGroups(ctx, req.scimOrgId!, {
      ...(params.filter ? groupFilter(params.filter) : {}),
      offset: startIndex - 1,
      limit: count,
      withMembers: !withoutMembers(req),
    });
    send(
      res,
      200,
      listResponse(
        page.groups.map((g) => toScimGroup(g, baseUrl(), !withoutMembers(req))),
        page.total,
        startIndex,
      ),
    );
  });

  router.post('/Groups', (req, res) => {
    const group = createGroup(ctx, req.scimOrgId!, fromScimGroup(req.body), req.scimActor!);
    res.location(`${baseUrl()}/Groups/${group.id}`).set('ETag', groupEtag(group));
    send(res, 201, toScimGroup(group, baseUrl()));
  });

  router.get('/Groups/:id', (req, res) => {
    const group = groupOf(req);
    res.set('ETag', groupEtag(group));
    send(res, 200, toScimGroup(group, baseUrl(), !withoutMembers(req)));
  });

  router.put('/Groups/:id', (req, res) => {
    checkIfMatch(req, groupEtag(groupHeaderOf(req)), 'group');
    const group = replaceGroup(ctx, req.scimOrgId!, req.params.id as string, fromScimGroup(req.body), req.scimActor!);
    res.set('ETag', groupEtag(group));
    send(res, 200, toScimGroup(group, baseUrl()));
  });

  router.patch('/Groups/:id', (req, res) => {
    const groupId = req.params.id as string;
    const current = groupHeaderOf(req);
    checkIfMatch(req, groupEtag(current), 'group');
    const patch = applyGroupPatch(current, req.body);
    const { displayName, externalId } = patch;
    const updated = patch.members
      ? replaceGroup(ctx, req.scimOrgId!, groupId, { displayName, externalId, memberIds: patch.members }, req.scimActor!)
      : changeGroup(ctx, req.scimOrgId!, groupId, { displayName, externalId, add: patch.add, remove: patch.remove }, req.scimActor!);
    // Okta and Entra ID both document 204 for group PATCH; a body with every member is what Entra advises against.
    res.set('ETag', groupEtag(updated)).status(204).end();
  });

  router.delete('/Groups/:id', (req, res) => {
    checkIfMatch(req, groupEtag(groupHeaderOf(req)), 'group');
    deleteGroup(ctx, req.scimOrgId!, req.params.id as string, req.scimActor!);
    res.status(204).end();
  });

  router.use((req, res) => sendScimError(res, 404, undefined, `No SCIM endpoint ${req.method} ${req.path}`));
  router.use(scimErrorHandler(logger));
  return router;
}
