// `npm run build:cli`: the CLI as JavaScript in apps/cli/dist (see bundle-options.mjs), which
// `npm start` runs instead of having Node strip types from ~100 files at start.
import { bundleOptions } from './bundle-options.mjs'

export default bundleOptions({ input: { commonplace: 'src/bin.ts' }, dir: 'dist' })
