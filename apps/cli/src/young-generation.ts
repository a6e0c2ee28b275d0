import { setFlagsFromString } from 'node:v8'

/**
 * Run `load` (the imports of a node's modules) with V8's young generation kept at its first size.
 * V8 doubles it (up to 16 MB a semi-space) whenever many objects survive a scavenge, which loading
 * libp2p, Yjs and the node's modules does over and over; the pages stay resident after a GC, so an
 * idle node kept ~21 MB of empty young generation (measured with 10,000 documents held,
 * docs/benchmarks.md). Afterwards it may grow again, under load, by V8's default factor of 2.
 * Used by bin.ts and by the benchmark's node process.
 */
export async function withSmallYoungGeneration<T> (load: () => Promise<T>): Promise<T> {
  setFlagsFromString('--semi-space-growth-factor=1')
  try {
    return await load()
  } finally {
    setFlagsFromString('--semi-space-growth-factor=2')
  }
}
