// How the CLI is bundled for `npm start` (docs/dependencies.md, "rolldown"), shared with the
// benchmark, which measures a node built the same way. Everything is joined into a few chunks,
// npm packages included; only Node's built-in modules stay imports (four of them are taken the
// way `require` takes them: builtins-plugin.mjs). Whitespace and comments go and
// non-ASCII characters are escaped (V8 keeps each module's source text in memory, as two bytes a
// character when any character needs it); names are kept. The entry stays a chunk of its own, so
// that what it does first (bin.ts: a V8 setting) comes before the rest is imported.
//
// The npm packages and the workspace packages go into chunks of at most CHUNK_BYTES each, not one
// file: V8 parses a module's top level in one go, and the parser's scratch memory (malloc'd zone
// segments) for one 1.4 MB file peaked at 9 MB, which glibc kept after it was freed (idle RSS
// 3.6 MB higher; docs/dependencies.md, rolldown). Chunks need rolldown's strict
// execution order (without it the chunks import each other in a cycle and the node does not
// start): modules then run in the order they are imported, as in the sources.
import { builtinsAsRequired, isBuiltin } from './builtins-plugin.mjs'

const isNpmPackage = id => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@commonplace/')
const CHUNK_BYTES = 1_000_000

/**
 * Rolldown options: `input` (name → entry file) bundled into `dir` as `<name>.mjs` and its chunks.
 * `npmPackages: 'import'` leaves npm packages as imports (a script run beside its node_modules).
 */
export function bundleOptions ({ input, dir, npmPackages = 'bundle' }) {
  return {
    input,
    platform: 'node',
    logLevel: 'warn',
    ...(npmPackages === 'import'
      ? { external: id => isBuiltin(id) || isNpmPackage(id) }
      : { plugins: [builtinsAsRequired()] }),
    output: {
      dir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name].mjs',
      comments: false,
      minify: { compress: false, mangle: false, codegen: { removeWhitespace: true, asciiOnly: true } },
      strictExecutionOrder: true,
      codeSplitting: {
        groups: [
          { name: 'npm', test: /[\\/]node_modules[\\/]/, maxSize: CHUNK_BYTES },
          { name: 'commonplace', test: /[\\/]packages[\\/]/, maxSize: CHUNK_BYTES }
        ]
      }
    }
  }
}
