import { readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { FUNCTION_ESBUILD_OPTIONS, FUNCTION_NAMES, functionEntry, PROJECT_ROOT } from '../infra/constructs/service-function';

/** Where every bundle of the bench goes (git-ignored). */
export const BUNDLES_DIR = path.join(PROJECT_ROOT, 'bench', 'out', 'bundles');
const VARIANTS_DIR = path.join(PROJECT_ROOT, 'bench', 'variants');

export type BundleKind = 'function' | 'reference' | 'part' | 'variant';

export interface BundleTarget {
  readonly id: string;
  readonly label: string;
  readonly kind: BundleKind;
  readonly entry: string;
  /** Makes the plugin that turns the entry into a variant, and tells whether it changed anything. */
  readonly variant?: () => { plugin: Plugin; applied: () => boolean };
}

export interface BuiltBundle {
  readonly id: string;
  readonly label: string;
  readonly kind: BundleKind;
  /** The bundle, relative to the project root. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  /** The largest contributors to the output, by package (`(project)` for our own code). */
  readonly topInputs: { readonly name: string; readonly bytes: number }[];
  readonly error?: string;
}

/**
 * A variant of a function's bundle with some modules replaced: the real composition root, with
 * one dependency swapped, measures what that dependency costs.
 */
function swapModules(swaps: { readonly filter: RegExp; readonly replacement: string }[]) {
  let applied = 0;
  const plugin: Plugin = {
    name: 'bench-swap-modules',
    setup(builder) {
      for (const swap of swaps) {
        builder.onResolve({ filter: swap.filter }, (args) => {
          if (args.importer.startsWith(VARIANTS_DIR)) return undefined;
          applied += 1;
          return { path: swap.replacement };
        });
      }
    },
  };
  return { plugin, applied: () => applied > 0 };
}

const variant = (file: string) => path.join(VARIANTS_DIR, file);

export function bundleTargets(): BundleTarget[] {
  const functions: BundleTarget[] = FUNCTION_NAMES.map((name) => ({ id: name, label: name, kind: 'function', entry: functionEntry(name) }));
  const parts: [string, string][] = [
    ['reference-with-middy', 'reference + @middy/core'],
    ['reference-with-logger', 'reference + Powertools logger'],
    ['reference-with-metrics', 'reference + Powertools metrics'],
    ['reference-with-observability', 'reference + shared/observability (logger, metrics, sink)'],
    ['reference-with-schemas', 'reference + validation schemas (guidance-event, valibot)'],
    ['reference-with-secrets-client', 'reference + SecretsManagerClient'],
    ['reference-with-secrets-source', "reference + the webhook's secret source (SecretsExtensionSource: node:http to the Parameters and Secrets extension)"],
    ['peer-webhook-clients', "peer of the webhook: its two AWS clients (SQS + Secrets Manager) with the webhook's client options, nothing else"],
    ['peer-with-fixed-stack', 'the peer + the stack every function is built on (@middy/core, Powertools logger and metrics), no webhook code'],
  ];
  const withoutMetrics = { filter: /[/\\]shared[/\\]observability$/, replacement: variant('swaps/observability-without-metrics.ts') };
  return [
    ...functions,
    { id: 'reference', label: 'reference: a bare SQSClient', kind: 'reference', entry: variant('reference.ts') },
    ...parts.map(([file, label]): BundleTarget => ({ id: file, label, kind: 'part', entry: variant(`${file}.ts`) })),
    {
      id: 'bridge-webhook--no-metrics',
      label: 'bridge-webhook without Powertools metrics (observability: logger only)',
      kind: 'variant',
      entry: functionEntry('bridge-webhook'),
      variant: () => swapModules([withoutMetrics]),
    },
  ];
}

/** Builds one target with exactly the stack's esbuild options (plus the variant's plugin, if any). */
export async function buildBundle(target: BundleTarget): Promise<BuiltBundle> {
  const outdir = path.join(BUNDLES_DIR, target.id);
  const file = path.join(outdir, 'index.mjs');
  await rm(outdir, { recursive: true, force: true });
  const extension = target.variant?.();
  try {
    const result = await build({
      ...FUNCTION_ESBUILD_OPTIONS,
      entryPoints: [target.entry],
      outfile: file,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: PROJECT_ROOT,
      ...(extension ? { plugins: [extension.plugin] } : {}),
    });
    if (extension && !extension.applied()) throw new Error('the variant changed nothing (the code it patches has moved)');
    const bytes = await readFile(file);
    const mapBytes = (await stat(`${file}.map`).catch(() => ({ size: 0 }))).size;
    return {
      id: target.id,
      label: target.label,
      kind: target.kind,
      file: path.relative(PROJECT_ROOT, file),
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes).length,
      mapBytes,
      topInputs: topInputs(result.metafile, file),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    return { id: target.id, label: target.label, kind: target.kind, file: path.relative(PROJECT_ROOT, file), bytes: 0, gzipBytes: 0, mapBytes: 0, topInputs: [], error: message };
  }
}

function topInputs(metafile: Metafile, file: string): { name: string; bytes: number }[] {
  const output = metafile.outputs[path.relative(PROJECT_ROOT, file).split(path.sep).join('/')];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
}

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}
