import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** One file of the built app: its name under `/app/`, bytes and content type. */
export interface WebAppFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const WEB_DIR = __dirname;
const STATIC_FILES = [
  { name: 'index.html', contentType: 'text/html; charset=utf-8' },
  { name: 'app.css', contentType: 'text/css; charset=utf-8' },
] as const;

/**
 * Builds the reference web app in memory: `app.js` (one ES module bundled by esbuild, dependencies
 * included, so nothing is loaded from a CDN), `index.html` and `app.css`. Takes ~0.2 s.
 */
export function buildWebApp(options: { minify?: boolean } = {}): WebAppFile[] {
  const minify = options.minify ?? true;
  // Several laptop stacks in one process (tests) share one build.
  return (built[String(minify)] ??= build(minify));
}

const built: Record<string, WebAppFile[]> = {};

function build(minify: boolean): WebAppFile[] {
  const result = buildSync({
    entryPoints: [path.join(WEB_DIR, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    sourcemap: false,
    legalComments: 'none',
    write: false,
    outfile: 'app.js',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0];
  if (!script) throw new Error('esbuild produced no app.js');
  return [
    { name: 'app.js', contentType: 'text/javascript; charset=utf-8', body: Buffer.from(script.contents) },
    ...STATIC_FILES.map((file) => ({ ...file, body: readFileSync(path.join(WEB_DIR, file.name)) })),
  ];
}
