// How the CLI is bundled for `npm start` (docs/dependencies.md, "rolldown"), shared with the
// benchmark, which measures a node built the same way. Everything is joined into a few chunks,
// npm packages included; only Node's built-in modules stay imports. Whitespace and comments go and
// non-ASCII characters are escaped (V8 keeps each module's source text in memory, as two bytes a
// character when any character needs it); names are kept. The entry stays a chunk of its own, so
// that what it does first (bin.ts: a V8 setting) comes before the rest is imported.
import { builtinModules } from 'node:module'

const builtins = new Set([...builtinModules, ...builtinModules.map(name => `node:${name}`)])
const isBuiltin = id => builtins.has(id) || id.startsWith('node:')
const isNpmPackage = id => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@commonplace/')

/**
 * Rolldown options: `input` (name → entry file) bundled into `dir` as `<name>.mjs` and its chunks.
 * `npmPackages: 'import'` leaves npm packages as imports (a script run beside its node_modules).
 */
export function bundleOptions ({ input, dir, npmPackages = 'bundle' }) {
  return {
    input,
    platform: 'node',
    logLevel: 'warn',
    external: npmPackages === 'import' ? id => isBuiltin(id) || isNpmPackage(id) : isBuiltin,
    output: {
      dir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name].mjs',
      comments: false,
      minify: { compress: false, mangle: false, codegen: { removeWhitespace: true, asciiOnly: true } }
    }
  }
}
