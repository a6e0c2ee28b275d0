/**
 * The footprint scenario's node process: peer.ts started the way the CLI starts a node
 * (apps/cli/src/bin.ts): V8's young generation keeps its first size while the modules load.
 */
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--semi-space-growth-factor=1')
await import('./peer.ts')
setFlagsFromString('--semi-space-growth-factor=2')
