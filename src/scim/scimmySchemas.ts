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

let declared = false;
export function scimmy(): typeof SCIMMY {
  if (!declared) {
    SCIMMY.Schemas.User.definition.extend(SCIMMY.Schemas.EnterpriseUser.definition, false);
    SCIMMY.Schemas.User.definition.extend(SeatdUserExtension, false);
    declared = true;
  }
  return SCIMMY;
}
