/* eslint-disable no-console -- a build script that reports to the person running it */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildWebApp } from './bundle';

/** `npm run web:build`: the reference web app in `web/dist/`, ready to copy to any static host. */
const outDir = path.join(__dirname, 'dist');
mkdirSync(outDir, { recursive: true });
for (const file of buildWebApp()) {
  writeFileSync(path.join(outDir, file.name), file.body);
  console.log(`web/dist/${file.name}  ${(file.body.length / 1024).toFixed(1)} KB`);
}
console.log('Add config.json beside them (see docs/web-app.md).');
