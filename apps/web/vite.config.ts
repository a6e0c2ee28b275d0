import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'

/** What sw.ts names in place of its asset list; the build writes the list there. */
const SHELL_ASSETS = /\[\s*["'`]__SHELL_ASSETS__["'`]\s*\]/
const COMPRESSIBLE = /\.(?:html|js|css|svg|json|webmanifest|txt)$/

/**
 * The service worker precaches every hashed asset of the build, the lazy chunks (the document
 * page, the editor) as well as what the page names: so a document opens with the node stopped,
 * and a new build (new hashes) is a new sw.js, which the browser installs.
 */
function shellAssets (): Plugin {
  return {
    name: 'commonplace-shell-assets',
    apply: 'build',
    // after inlinePageCss: a stylesheet inlined into the page is no asset to cache
    enforce: 'post',
    generateBundle (_options, bundle) {
      const assets = Object.keys(bundle).filter(name => name.startsWith('assets/')).map(name => `/${name}`).sort()
      const sw = bundle['sw.js']
      if (sw == null || sw.type !== 'chunk') return
      if (!SHELL_ASSETS.test(sw.code)) this.error('sw.js does not name __SHELL_ASSETS__: the service worker would cache nothing')
      sw.code = sw.code.replace(SHELL_ASSETS, JSON.stringify(assets))
    }
  }
}

/**
 * The page's stylesheet inlined into index.html (CSP allows inline styles, not scripts): the
 * first frame, the app's header and "Loading…", paints as soon as the page is parsed, without
 * waiting for a stylesheet request. The document page's own styles stay a file, loaded with it.
 */
function inlinePageCss (): Plugin {
  return {
    name: 'commonplace-inline-page-css',
    apply: 'build',
    enforce: 'post',
    generateBundle (_options, bundle) {
      const page = bundle['index.html']
      if (page == null || page.type !== 'asset') return
      let html = String(page.source)
      html = html.replace(/<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g, (tag, name: string) => {
        const css = bundle[name]
        if (css == null || css.type !== 'asset') return tag
        delete bundle[name]
        return `<style>${String(css.source).replace(/<\/style/gi, '<\\/style')}</style>`
      })
      page.source = html
    }
  }
}

/**
 * Brotli and gzip copies of every text file, made once at build time at the highest levels, so
 * that the node sends them as they are (packages/node/src/web/static-files.ts) and compresses
 * nothing per request.
 */
function precompress (): Plugin {
  let outDir = ''
  return {
    name: 'commonplace-precompress',
    apply: 'build',
    configResolved (config) { outDir = resolve(config.root, config.build.outDir) },
    closeBundle () {
      for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue
        const path = join(entry.parentPath, entry.name)
        const body = readFileSync(path)
        writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }))
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }))
      }
    }
  }
}

// The page's bundle, the document page (TipTap, Yjs, the editor) as a chunk loaded when a
// document is opened, and the service worker at /sw.js so that its scope is the whole app.
export default defineConfig({
  // keys and signatures are the node's business: leave libp2p's key code out of the page (src/shims)
  resolve: { alias: { '@libp2p/peer-id': fileURLToPath(new URL('./src/shims/peer-id.ts', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [inlinePageCss(), shellAssets(), precompress()],
  build: {
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: { main: 'index.html', sw: 'src/sw.ts' },
      // @commonplace/record's modules do nothing when loaded: the document list takes its
      // constants (kinds, templates) without the Yjs, Markdown and id code behind the rest
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]packages[\\/]record[\\/]src[\\/]/.test(id) },
      output: {
        entryFileNames: chunk => chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'
      }
    }
  }
})
