import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The built web app that `commonplace start` hands the node: the `dist` folder of the
 * `@commonplace/web` workspace package (`npm run build:web` makes it), found through module
 * resolution so that it holds from the sources and from the CLI's bundle alike.
 */
export function webRoot (): string {
  return join(dirname(createRequire(import.meta.url).resolve('@commonplace/web/package.json')), 'dist')
}
