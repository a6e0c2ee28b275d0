import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// One bundle for the page (no lazy chunks: the service worker caches what the page names) and
// the service worker at /sw.js so that its scope is the whole app.
export default defineConfig({
  // keys and signatures are the node's business: leave libp2p's key code out of the page (src/shims)
  resolve: { alias: { '@libp2p/peer-id': fileURLToPath(new URL('./src/shims/peer-id.ts', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: { main: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: chunk => chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'
      }
    }
  }
})
