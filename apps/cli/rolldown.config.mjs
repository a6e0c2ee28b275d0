// The CLI as JavaScript for `npm start` (docs/dependencies.md, "rolldown"): the workspace's
// TypeScript compiled and joined into apps/cli/dist, every npm package left as an import. Node
// then runs JavaScript instead of stripping types from ~100 files at start. The entry stays its
// own small chunk so that bin.ts's V8 setting comes before the rest is imported.
export default {
  input: { commonplace: 'src/bin.ts' },
  platform: 'node',
  external: id => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@commonplace/'),
  output: { dir: 'dist', format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name].mjs', minify: 'dce-only', comments: false }
}
