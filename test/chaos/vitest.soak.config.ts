/** The soak runs (test/chaos/soak.soak.ts, heap.soak.ts): full mode of `npm run chaos` only, never `npm test`. */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/chaos/*.soak.ts'],
    hookTimeout: 120_000,
    pool: 'forks',
    allowOnly: false
  }
})
