import seatdExtension from '../../schemas/seatd-user-extension.scim.json';
import { ownValue } from '../domain/ownValue';
import { scimmy, suggestedCanonicalValues } from './scimmySchemas';
import { CORE_USER, SEATD_USER } from './userFilter';
import { ENTERPRISE_USER } from './userFilter';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function listResponse(resources: unknown[], totalResults = resources.length, startIndex = 1) {
  return { schemas: [LIST], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, '')}/api/v1/openapi.json`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 1000 },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A SCIM token created with POST /api/v1/orgs/{org}/scim-tokens',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A member of the organization, holding a seat while active',
      schema: CORE_USER,
      schemaExtensions: [
        { schema: ENTERPRISE_USER, required: false },
        { schema: SEATD_USER, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group pushed by the identity provider; mapped groups decide seat types',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:Group',
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

type DescribedAttribute = {
  name: string;
  canonicalValues?: string[];
  uniqueness?: string;
  description?: string;
  subAttributes?: DescribedAttribute[];
};

/** What seatd enforces beyond scimmy's description: one member per sign-in email. */
const ENFORCED: Record<string, Partial<DescribedAttribute>> = {
  'emails.value': {
    uniqueness: 'server',
    description:
      'Email address of the User. The primary one (else the work one, else the first) is the member’s sign-in address, which no other member of the organization has.',
  },
};

/** scimmy's description of a User schema, with the RFC's suggested canonical values and what seatd enforces. */
function asEnforced(attributes: DescribedAttribute[], prefix = ''): DescribedAttribute[] {
  return attributes.map((attribute) => {
    const path = `${prefix}${attribute.name}`;
    const suggested = suggestedCanonicalValues.get(path);
    return {
      ...attribute,
      ...(suggested ? { canonicalValues: suggested } : {}),
      ...ownValue(ENFORCED, path),
      ...(attribute.subAttributes ? { subAttributes: asEnforced(attribute.subAttributes, `${path}.`) } : {}),
    };
  });
}

export function schemaDocuments(baseUrl: string) {
  const S = scimmy();
  const described = [S.Schemas.User, S.Schemas.EnterpriseUser, S.Schemas.Group].map((s) => {
    // scimmy describes attributes as instances that serialise themselves
    const doc = JSON.parse(JSON.stringify(s.definition.describe(baseUrl))) as Record<string, unknown> & {
      attributes: DescribedAttribute[];
    };
    return s === S.Schemas.Group ? doc : { ...doc, attributes: asEnforced(doc.attributes) };
  });
  return [
    ...described.filter((d) => d.id !== SEATD_USER),
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      ...seatdExtension,
      meta: { ...seatdExtension.meta, location: `${baseUrl}/Schemas/${SEATD_USER}` },
    },
  ];
}
