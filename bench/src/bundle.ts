/**
 * Footprint children as JavaScript, as each system is deployed. A Commonplace node is built the
 * way `npm start` builds the CLI (apps/cli/bundle-options.mjs: the workspace and its npm packages
 * joined, whitespace and comments out); an automerge-repo sync server runs its script as
 * JavaScript next to its node_modules. Run from their TypeScript sources, both would also carry
 * Node's type stripper (~20 MB of RSS each, measured), which is not part of either. Each script is
 * bundled with rolldown into bench/results/build/ once per bench invocation.
 */
import { mkdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'
import { bundleOptions } from '../../apps/cli/bundle-options.mjs'

const OUT_DIR = fileURLToPath(new URL('../results/build/', import.meta.url))
const built = new Map<string, Promise<string>>()

/** How a script is deployed: bundled with its npm packages (`npm start`), or next to node_modules. */
export type Packaging = 'like-npm-start' | 'packages-installed'

/** The path of `script` bundled to JavaScript (built on first use in this process). */
export async function bundled (script: string, packaging: Packaging): Promise<string> {
  const key = `${packaging}:${script}`
  let path = built.get(key)
  if (path == null) {
    path = bundle(script, packaging)
    built.set(key, path)
  }
  return await path
}

async function bundle (script: string, packaging: Packaging): Promise<string> {
  const name = basename(script, extname(script))
  const dir = join(OUT_DIR, `${name}-${packaging}`)
  mkdirSync(dir, { recursive: true })
  await build(bundleOptions({ input: { [name]: script }, dir, npmPackages: packaging === 'like-npm-start' ? 'bundle' : 'import' }))
  return join(dir, `${name}.mjs`)
}
