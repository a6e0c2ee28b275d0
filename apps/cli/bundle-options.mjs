// How the CLI is bundled for `npm start` (docs/dependencies.md, "rolldown"), shared with the
// benchmark, which measures a node built the same way. Everything is joined into a few chunks,
// npm packages included; only Node's built-in modules stay imports. Whitespace and comments go and
// non-ASCII characters are escaped (V8 keeps each module's source text in memory, as two bytes a
// character when any character needs it); names are kept. The entry stays a chunk of its own, so
// that what it does first (bin.ts: a V8 setting) comes before the rest is imported.
import { builtinModules } from 'node:module'

const builtins = new Set([...builtinModules, ...builtinModules.map(name => `node:${name}`)])

/** Rolldown options: `input` (name → entry file) bundled into `dir` as `<name>.mjs` and its chunks. */
export function bundleOptions ({ input, dir }) {
  return {
    input,
    platform: 'node',
    logLevel: 'warn',
    external: id => builtins.has(id) || id.startsWith('node:'),
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
