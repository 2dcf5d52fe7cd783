import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
const entry = process.argv[2];
const out = '/tmp/bundle-out/' + entry.replace(/\//g, '_') + '.mjs';
await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node22', format: 'esm', minify: true,
  mainFields: ['module', 'main'], alias: process.env.ALIAS ? { '@aws-sdk/credential-provider-node': './shared/aws/lambda-credentials.ts' } : {}, outfile: out, banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" }, metafile: false, logLevel: 'warning' });
const b = readFileSync(out); console.log(entry, b.length, gzipSync(b).length);
