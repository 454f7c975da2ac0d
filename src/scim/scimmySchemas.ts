import SCIMMY from 'scimmy';
import seatdExtension from '../../schemas/seatd-user-extension.scim.json';
import { SEATD_USER } from './userFilter';

/*
 * scimmy validates and coerces User resources (core, Enterprise User, and seatd's extension) and
 * applies PatchOp messages. Its schema registry is global, so the extensions are declared once here.
 */
const attr = seatdExtension.attributes[0]!;
export const SeatdUserExtension = new SCIMMY.Types.SchemaDefinition(seatdExtension.name, SEATD_USER, seatdExtension.description, [
  new SCIMMY.Types.Attribute('string', attr.name, {
    canonicalValues: attr.canonicalValues,
    caseExact: false,
    description: attr.description,
  }),
]);

type ScimmyAttribute = { name: string; config: { canonicalValues?: string[] | false }; subAttributes?: ScimmyAttribute[] };

/**
 * Canonical values by attribute path (`emails.type`), as the RFC suggests them. RFC 7643 §7 makes
 * them "suggested canonical values that MAY be used": seatd publishes them in /Schemas and takes any
 * other value too (Entra's `WindowsAzureActiveDirectoryRole` role type, `Work`, `cell`). seatType,
 * whose values are seatd's own, is checked by seatd without regard to case.
 */
export const suggestedCanonicalValues = new Map<string, string[]>();

function acceptAnyValue(attributes: ScimmyAttribute[], prefix = ''): void {
  for (const attribute of attributes) {
    const path = `${prefix}${attribute.name}`;
    const values = attribute.config.canonicalValues;
    if (Array.isArray(values)) {
      if (values.length) suggestedCanonicalValues.set(path, [...values]);
      attribute.config.canonicalValues = false;
    }
    if (attribute.subAttributes) acceptAnyValue(attribute.subAttributes, `${path}.`);
  }
}

let declared = false;
export function scimmy(): typeof SCIMMY {
  if (!declared) {
    const definitions = [SCIMMY.Schemas.User.definition, SCIMMY.Schemas.EnterpriseUser.definition, SeatdUserExtension];
    for (const definition of definitions) acceptAnyValue(definition.attributes as unknown as ScimmyAttribute[]);
    SCIMMY.Schemas.User.definition.extend(SCIMMY.Schemas.EnterpriseUser.definition, false);
    SCIMMY.Schemas.User.definition.extend(SeatdUserExtension, false);
    declared = true;
  }
  return SCIMMY;
}
