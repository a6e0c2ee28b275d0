/** The footprint scenario's node process: peer.ts, its modules loaded the way the CLI loads them. */
import { withSmallYoungGeneration } from '@commonplace/cli/young-generation'

await withSmallYoungGeneration(async () => await import('./peer.ts'))
