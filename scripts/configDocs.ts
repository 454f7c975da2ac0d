import { z } from 'zod';
import { configSchema } from '../src/config';

type Field = { description?: string; def: { type: string; defaultValue?: unknown; innerType?: Field } };

/** The default a field declares, or "unset" for an optional one. */
function defaultOf(field: Field): string {
  const shown = z.globalRegistry.get(field as unknown as z.ZodType)?.defaultShown;
  if (typeof shown === 'string') return `\`${shown}\``; // a default computed from other settings
  if (field.def.type === 'default') return `\`${String(field.def.defaultValue)}\``;
  return 'unset';
}

/** docs/configuration.md, from the config schema's own defaults and descriptions, so the page cannot drift from the code. */
export function renderConfigDocs(): string {
  const rows = Object.entries(configSchema.shape).map(([name, schema]) => {
    const field = schema as unknown as Field;
    return `| \`${name}\` | ${defaultOf(field)} | ${(field.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config.ts by `npm run docs:config`; edit the descriptions there. -->',
    '',
    'Every setting comes from the environment; a `.env` file in the folder seatd starts from is read too',
    '(see `.env.example`). An empty value counts as unset. Values are checked at start-up, and a bad one',
    'stops seatd with the variable named, for the server and every CLI command alike.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
