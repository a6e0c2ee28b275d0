// A rolldown plugin for bundle-options.mjs: Node's built-in modules reach the bundle the way
// `require` gives them (`process.getBuiltinModule`), not through Node's ES-module facade.
//
// Why: when an ES module imports a built-in, Node builds the facade's named exports by reading
// every property of the module, getters included, and some getters load much more. `import
// ... from 'node:http'` reads `http.WebSocket`, `CloseEvent` and `MessageEvent`, whose getters
// load undici, which brings http2 and assert with it: RSS of a bare Node 24 process 59.5 MB
// against 46.0 MB for `process.getBuiltinModule('node:http')` (nodejs/node#59686 is the same
// cost seen as time). `node:fs`, `node:util` and `node:process` cost 3–5 MB each the same way.
// Both the node's own HTTP API and @libp2p/websockets import `node:http`.
//
// Each built-in becomes a small module of the bundle: the module object as the default export,
// and its data properties as named exports (a snapshot, as Node's facade is until
// `syncBuiltinESMExports`). Accessors are read where they are used, through the default export:
// a named import of one fails the build (MISSING_EXPORT) rather than calling its getter at load.
// Reading http's WebSocket costs 13 MB, fs's ReadStream 2.9 MB, process's stdin 2.6 MB.
import { builtinModules } from 'node:module'
import process from 'node:process'

const PREFIX = '\0commonplace-builtin:'
const builtins = new Set([...builtinModules, ...builtinModules.map(name => `node:${name}`)])
// keys that are not plain names are left to the default export; none of the four has a reserved
// word as a key (one added later would fail the build, not the node)
const isExportName = key => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default'

/**
 * The built-ins whose facade costs memory, with the RSS of a bare Node 24 process after an ES
 * import against `process.getBuiltinModule` (41.6 MB with neither). The others measured the same
 * either way (within 0.6 MB) and stay plain imports, which the bundler's own runtime needs too.
 */
const COSTLY_FACADES = new Set([
  'node:http', // 59.5 against 46.0 MB (undici, http2, assert)
  'node:process', // 46.6 against 41.8 MB (stdin, stdout, stderr streams)
  'node:fs', // 45.1 against 41.6 MB (the stream classes)
  'node:util' // 44.8 against 41.6 MB
])

export function isBuiltin (id) {
  return builtins.has(id) || id.startsWith('node:')
}

/** The plugin: COSTLY_FACADES imported by ES modules become modules of the bundle; other built-ins stay imports. */
export function builtinsAsRequired () {
  return {
    name: 'commonplace:builtins-as-required',
    resolveId (id, importer, extra) {
      if (!isBuiltin(id)) return null
      const name = id.startsWith('node:') ? id : `node:${id}`
      // `require` already gets the module object
      if (extra?.kind === 'require-call' || !COSTLY_FACADES.has(name)) return { id, external: true }
      return `${PREFIX}${name}`
    },
    load (id) {
      if (!id.startsWith(PREFIX)) return null
      return builtinModuleSource(id.slice(PREFIX.length))
    }
  }
}

/** The source of the bundle's stand-in for built-in `name` (e.g. 'node:http'). */
export function builtinModuleSource (name) {
  const exports = Object.getOwnPropertyDescriptors(process.getBuiltinModule(name))
  const lines = [`const m = process.getBuiltinModule(${JSON.stringify(name)});`, 'export default m;']
  for (const [key, descriptor] of Object.entries(exports)) {
    if (isExportName(key) && 'value' in descriptor) lines.push(`export const ${key} = m.${key};`)
  }
  return lines.join('\n')
}
