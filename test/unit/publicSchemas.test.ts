import fs from 'node:fs';
import path from 'node:path';
import { jsonSchemaOf, publicRequestSchemas } from '../../src/admin/publicSchemas';

describe('schemas/ (JSON schemas of the public request bodies)', () => {
  it.each(Object.keys(publicRequestSchemas) as (keyof typeof publicRequestSchemas)[])(
    '%s.request.json matches the zod schema the server validates with',
    (name) => {
      const file = path.join(__dirname, '..', '..', 'schemas', `${name}.request.json`);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(jsonSchemaOf(name));
    },
  );

  it('documents the seat change body with its three counts', () => {
    const schema = jsonSchemaOf('seat-change') as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(['add', 'upgrade', 'effectiveDate']);
    expect(Object.keys(schema.properties.add!.properties!)).toEqual(['standard', 'premium']);
  });
});
