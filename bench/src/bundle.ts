/**
 * Footprint children as JavaScript, as each system is deployed: a Commonplace node runs the CLI's
 * bundle (`npm start`, apps/cli/rolldown.config.mjs) and an automerge-repo sync server runs
 * JavaScript. Run from their TypeScript sources, both would also carry Node's type stripper
 * (~20 MB of RSS each, measured), which is not part of either. Each child script is bundled with
 * rolldown, npm packages left as imports, into bench/results/build/ once per bench invocation.
 */
import { mkdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'

const OUT_DIR = fileURLToPath(new URL('../results/build/', import.meta.url))
const built = new Map<string, Promise<string>>()

/** The path of `script` bundled to JavaScript (built on first use in this process). */
export async function bundled (script: string): Promise<string> {
  let path = built.get(script)
  if (path == null) {
    path = bundle(script)
    built.set(script, path)
  }
  return await path
}

async function bundle (script: string): Promise<string> {
  const name = basename(script, extname(script))
  const dir = join(OUT_DIR, name)
  mkdirSync(dir, { recursive: true })
  await build({
    input: { [name]: script },
    platform: 'node',
    logLevel: 'warn',
    external: id => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@commonplace/'),
    output: { dir, format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name].mjs', minify: 'dce-only', comments: false }
  })
  return join(dir, `${name}.mjs`)
}
