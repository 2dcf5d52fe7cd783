import { build } from 'esbuild';
const r = await build({ entryPoints: [process.argv[2]], bundle: true, platform: 'node', target: 'node22', format: 'esm', minify: true,
  mainFields: ['module', 'main'], alias: process.env.ALIAS ? { '@aws-sdk/credential-provider-node': './shared/aws/lambda-credentials.ts' } : {}, outfile: '/tmp/bundle-out/x.mjs', metafile: true, logLevel: 'warning' });
const by = {};
for (const [f, i] of Object.entries(Object.values(r.metafile.outputs)[0].inputs)) {
  const m = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/); const k = m ? m[1] : f.split('/').slice(0,2).join('/');
  by[k] = (by[k] ?? 0) + i.bytesInOutput;
}
console.log(Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,25).map(([k,v])=>`${(v/1024).toFixed(1)}K ${k}`).join('\n'));
