#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step to forget.
require('tsx/cjs/api').register();
require('../src/cli/main.ts').main(process.argv).catch((err) => {
  process.stderr.write(`seatd: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
