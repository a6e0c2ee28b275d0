#!/usr/bin/env node
import { keepYoungGenerationSmall } from './young-generation.ts'

keepYoungGenerationSmall()
const { runCli } = await import('./index.ts')

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
})
