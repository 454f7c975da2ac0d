import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config';
import { renderConfigDocs } from '../../scripts/configDocs';

describe('docs/configuration.md', () => {
  it('is what the config schema says today (npm run docs:config rewrites it)', () => {
    const file = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    expect(file).toBe(renderConfigDocs());
  });

  it('describes every setting', () => {
    for (const [name, schema] of Object.entries(configSchema.shape))
      expect([name, (schema.description ?? '').length > 10]).toEqual([name, true]);
  });
});
