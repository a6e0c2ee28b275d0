#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'

// V8 doubles its young generation (up to 16 MB a semi-space) whenever many objects survive a
// scavenge, which loading libp2p, Yjs and the node's modules does over and over; the pages stay
// resident after a GC, so an idle node kept ~21 MB of empty young generation (measured with
// 10,000 documents held, docs/benchmarks.md). It keeps its first size while the modules load and
// may grow again, under load, once they have.
setFlagsFromString('--semi-space-growth-factor=1')
const { runCli } = await import('./index.ts')
setFlagsFromString('--semi-space-growth-factor=2')

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
})
