import fs from 'node:fs';
import path from 'node:path';
import { jsonSchemaOf, publicRequestSchemas } from '../src/admin/publicSchemas';

const dir = path.join(__dirname, '..', 'schemas');
for (const name of Object.keys(publicRequestSchemas) as (keyof typeof publicRequestSchemas)[]) {
  fs.writeFileSync(path.join(dir, `${name}.request.json`), `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
}
process.stdout.write(`wrote ${Object.keys(publicRequestSchemas).length} schemas to ${dir}\n`);
