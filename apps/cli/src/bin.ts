#!/usr/bin/env node
import { withSmallYoungGeneration } from './young-generation.ts'

const { runCli } = await withSmallYoungGeneration(async () => await import('./index.ts'))

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
})
