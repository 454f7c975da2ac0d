import fs from 'node:fs';
import path from 'node:path';
import { renderConfigDocs } from './configDocs';

const file = path.join(__dirname, '..', 'docs', 'configuration.md');
fs.writeFileSync(file, renderConfigDocs());
process.stdout.write(`wrote ${file}\n`);
