import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../domain/context';
import { getMember, type Member } from '../domain/orgs/members';
import { queryMembers } from '../domain/orgs/memberQuery';
import { removeMember } from '../domain/provisioning/memberChanges';
import { provisionScimUser, scimBy, updateScimUser } from '../domain/provisioning/scimProvisioning';
import { NotFound, StaleVersion, type IfVersion } from '../domain/errors';
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
import type { FilterScope } from './filterScope';
import { requireScimToken } from './scimAuth';
import { BODY_LIMIT, ScimError, scimErrorHandler, sendScimError } from './scimError';
import { sortField, userFilter } from './userFilter';
import { etagOf, fromScimUser, project, toScimUser } from './userResource';
import { patchUser } from './userPatch';

const MAX_COUNT = 1000;
/** How many times a PATCH is read and applied again when another change lands between its read and its write. */
const PATCH_ATTEMPTS = 3;

const listParams = z.object({
  filter: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: z.enum(['ascending', 'descending']).optional(),
  startIndex: z.coerce.number().int().optional(),
  count: z.coerce.number().int().optional(),
  attributes: z.string().optional(),
  excludedAttributes: z.string().optional(),
});

type ListParams = ReturnType<typeof readListParams>;

/** Whether a list's groups carry their members: not when excluded, nor when attributes are asked for without them. */
function wantsMembers(params: Pick<ListParams, 'attributes' | 'excludedAttributes'>): boolean {
  const names = (list?: string) => (list ?? '').split(',').map((a) => a.trim().toLowerCase().replace(/^.*:/, ''));
  if (names(params.excludedAttributes).includes('members')) return false;
  return !params.attributes || names(params.attributes).some((a) => a === 'members' || a.startsWith('members.'));
}

function readListParams(source: unknown) {
  const parsed = listParams.safeParse(source ?? {});
  if (!parsed.success)
    throw new ScimError(400, 'invalidValue', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

/** Express 5 hands JSON bodies to us only for the media types we list; SCIM clients send application/scim+json. */
const scimJson = express.json({ type: ['application/scim+json', 'application/json'], limit: BODY_LIMIT });

function send(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/scim+json').send(JSON.stringify(body));
}

/** If-Match on writes: the versions the write is made on condition of (checked as it writes), or undefined for any. */
function ifVersionOf(req: Request): IfVersion {
  const tags = req
    .get('if-match')
    ?.split(',')
    .map((s) => s.trim());
  if (!tags || tags.includes('*')) return undefined;
  // a tag that is not one of seatd's versions matches none
  return tags.map((tag) => Number(/^(?:W\/)?"(\d+)"$/.exec(tag)?.[1] ?? -1));
}

/** ?attributes= and ?excludedAttributes=, as the lists `project` takes. */
function listedAttributes(query: Request['query']): [string | undefined, string | undefined] {
  const text = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : undefined);
  return [text(query.attributes), text(query.excludedAttributes)];
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

  const memberOf = async (req: Request): Promise<Member> =>
    existing(() => getMember(ctx, req.scimOrgId!, req.params.id as string), 'User', req.params.id as string);

  /** One type's page of resources for a list or search: the endpoint's own, or its share of a root query. */
  const usersPage = async (orgId: string, params: ListParams, scope: FilterScope, offset: number, limit: number) => {
    const page = await queryMembers(ctx, orgId, {
      filter: params.filter ? userFilter(parseFilter(params.filter), scope) : undefined,
      sortBy: params.sortBy ? sortField(params.sortBy) : undefined,
      descending: params.sortOrder === 'descending',
      offset,
      limit,
    });
    return {
      total: page.total,
      resources: page.members.map((m) => project(toScimUser(m, baseUrl()), params.attributes, params.excludedAttributes)),
    };
  };
  const groupsPage = async (orgId: string, params: ListParams, scope: FilterScope, offset: number, limit: number) => {
    const withMembers = wantsMembers(params);
    const page = await queryGroups(ctx, orgId, {
      filter: params.filter ? groupFilter(parseFilter(params.filter), scope) : undefined,
      offset,
      limit,
      withMembers,
    });
    return {
      total: page.total,
      resources: page.groups.map((g) => project(toScimGroup(g, baseUrl(), withMembers), params.attributes, params.excludedAttributes)),
    };
  };

  /** A list or search of one resource type, or of all of them (a root query, RFC 7644 §3.4.3): Users, then Groups. */
  const list = async (req: Request, res: Response, params: ListParams, of: 'User' | 'Group' | 'all') => {
    const startIndex = Math.max(1, params.startIndex ?? 1);
    const count = Math.min(MAX_COUNT, Math.max(0, params.count ?? 100));
    const orgId = req.scimOrgId!;
    if (of !== 'all') {
      const page = await (of === 'User' ? usersPage : groupsPage)(orgId, params, 'endpoint', startIndex - 1, count);
      return send(res, 200, listResponse(page.resources, page.total, startIndex));
    }
    const users = await usersPage(orgId, params, 'root', startIndex - 1, count);
    const groups = await groupsPage(orgId, params, 'root', Math.max(0, startIndex - 1 - users.total), count - users.resources.length);
    send(res, 200, listResponse([...users.resources, ...groups.resources], users.total + groups.total, startIndex));
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

  router.get('/Users', (req, res) => list(req, res, readListParams(req.query), 'User'));
  const search = (of: 'User' | 'Group' | 'all') => async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!Array.isArray(body.schemas) || !body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:SearchRequest')) {
      throw new ScimError(400, 'invalidSyntax', 'A search needs schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]');
    }
    const join = (v: unknown) => (Array.isArray(v) ? v.join(',') : v);
    await list(
      req,
      res,
      readListParams({ ...body, attributes: join(body.attributes), excludedAttributes: join(body.excludedAttributes) }),
      of,
    );
  };
  router.post('/Users/.search', search('User'));
  router.post('/Groups/.search', search('Group'));
  router.post('/.search', search('all'));

  router.post('/Users', async (req, res) => {
    const input = fromScimUser(req.body);
    const member = await provisionScimUser(ctx, req.scimOrgId!, input, req.scimActor!);
    const resource = toScimUser(member, baseUrl());
    res.location((resource.meta as { location: string }).location).set('ETag', etagOf(member));
    send(res, 201, project(resource, ...listedAttributes(req.query)));
  });

  router.get('/Users/:id', async (req, res) => {
    const member = await memberOf(req);
    if (
      req
        .get('if-none-match')
        ?.split(',')
        .map((s) => s.trim())
        .includes(etagOf(member))
    )
      return void res.status(304).end();
    res.set('ETag', etagOf(member));
    send(res, 200, project(toScimUser(member, baseUrl()), ...listedAttributes(req.query)));
  });

  router.put('/Users/:id', async (req, res) => {
    const current = await memberOf(req);
    const member = await updateScimUser(
      ctx,
      req.scimOrgId!,
      current.id,
      fromScimUser(req.body),
      scimBy(req.scimActor!, req.scimRole!),
      ifVersionOf(req),
    );
    res.set('ETag', etagOf(member));
    send(res, 200, project(toScimUser(member, baseUrl()), ...listedAttributes(req.query)));
  });

  router.patch('/Users/:id', async (req, res) => {
    const asked = ifVersionOf(req);
    // A PATCH is applied to the version it was read at: a change committed in between makes it read again.
    for (let attempt = 1; ; attempt++) {
      const current = await memberOf(req);
      if (asked && !asked.includes(current.version)) throw new StaleVersion('user', asked, current.version);
      const patched = await patchUser(toScimUser(current, baseUrl()), req.body);
      try {
        const member = await (patched
          ? updateScimUser(ctx, req.scimOrgId!, current.id, fromScimUser(patched), scimBy(req.scimActor!, req.scimRole!), [current.version])
          : current);
        res.set('ETag', etagOf(member));
        return send(res, 200, project(toScimUser(member, baseUrl()), ...listedAttributes(req.query)));
      } catch (err) {
        if (!(err instanceof StaleVersion) || attempt === PATCH_ATTEMPTS) throw err;
      }
    }
  });

  router.delete('/Users/:id', async (req, res) => {
    const current = await memberOf(req);
    await removeMember(ctx, req.scimOrgId!, current.id, scimBy(req.scimActor!, req.scimRole!), ifVersionOf(req));
    res.status(204).end();
  });

  const groupOf = async (req: Request): Promise<Group> =>
    existing(() => getGroup(ctx, req.scimOrgId!, req.params.id as string), 'Group', req.params.id as string);
  const groupHeaderOf = (req: Request) =>
    existing(() => getGroupHeader(ctx, req.scimOrgId!, req.params.id as string), 'Group', req.params.id as string);
  /** A group as a request asks for it: with or without its members, only the attributes asked for. */
  const groupAsAsked = (req: Request, group: Group) => {
    const [attributes, excludedAttributes] = listedAttributes(req.query);
    return project(toScimGroup(group, baseUrl(), wantsMembers({ attributes, excludedAttributes })), attributes, excludedAttributes);
  };

  router.get('/Groups', (req, res) => list(req, res, readListParams(req.query), 'Group'));

  router.post('/Groups', async (req, res) => {
    const group = await createGroup(ctx, req.scimOrgId!, fromScimGroup(req.body), req.scimActor!);
    res.location(`${baseUrl()}/Groups/${group.id}`).set('ETag', groupEtag(group));
    send(res, 201, groupAsAsked(req, group));
  });

  router.get('/Groups/:id', async (req, res) => {
    const group = await groupOf(req);
    res.set('ETag', groupEtag(group));
    send(res, 200, groupAsAsked(req, group));
  });

  router.put('/Groups/:id', async (req, res) => {
    await groupHeaderOf(req);
    const group = await replaceGroup(
      ctx,
      req.scimOrgId!,
      req.params.id as string,
      fromScimGroup(req.body),
      req.scimActor!,
      ifVersionOf(req),
    );
    res.set('ETag', groupEtag(group));
    send(res, 200, groupAsAsked(req, group));
  });

  router.patch('/Groups/:id', async (req, res) => {
    const groupId = req.params.id as string;
    const current = await groupHeaderOf(req);
    const patch = applyGroupPatch(current, req.body);
    const { displayName, externalId } = patch;
    // guarded by the version the rename was read at, so a rename in between is not undone
    const ifVersion = ifVersionOf(req) ?? [current.version];
    const updated = await (patch.members
      ? replaceGroup(ctx, req.scimOrgId!, groupId, { displayName, externalId, memberIds: patch.members }, req.scimActor!, ifVersion)
      : changeGroup(
          ctx,
          req.scimOrgId!,
          groupId,
          { displayName, externalId, add: patch.add, remove: patch.remove },
          req.scimActor!,
          ifVersion,
        ));
    res.set('ETag', groupEtag(updated));
    // RFC 7644 §3.5.2: with attributes asked for, the resource; else 204, as Okta and Entra document
    // (a body with every member is what Entra advises against).
    if (req.query.attributes === undefined && req.query.excludedAttributes === undefined) return void res.status(204).end();
    send(res, 200, groupAsAsked(req, await groupOf(req)));
  });

  router.delete('/Groups/:id', async (req, res) => {
    await groupHeaderOf(req);
    await deleteGroup(ctx, req.scimOrgId!, req.params.id as string, req.scimActor!, ifVersionOf(req));
    res.status(204).end();
  });

  router.use((req, res) => sendScimError(res, 404, undefined, `No SCIM endpoint ${req.method} ${req.path}`));
  router.use(scimErrorHandler(logger));
  return router;
}
