#!/usr/bin/env node
// Thin launcher so `npx postern` works from a checkout: the compiled CLI lives in dist/.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'src', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('postern: not built yet; run `npm install` (or `npm run build`) in the project first\n');
  process.exit(1);
}
require(cli);
