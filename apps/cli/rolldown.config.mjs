// `npm run build:cli`: the CLI as JavaScript in apps/cli/dist (see bundle-options.mjs), which
// `npm start` runs instead of having Node strip types from ~100 files at start. The node's
// Markdown worker (packages/node/src/markdown-worker.ts) is an entry of its own: the node starts
// it as `markdown-worker.mjs` beside the chunk that holds off-loop.ts.
import { bundleOptions } from './bundle-options.mjs'

export default bundleOptions({
  input: { commonplace: 'src/bin.ts', 'markdown-worker': '../../packages/node/src/markdown-worker.ts' },
  dir: 'dist'
})
