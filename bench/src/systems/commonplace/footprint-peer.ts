/** The footprint scenario's node process: peer.ts, with V8's young generation kept as the CLI keeps it. */
import { keepYoungGenerationSmall } from '@commonplace/cli/young-generation'

keepYoungGenerationSmall()
await import('./peer.ts')
