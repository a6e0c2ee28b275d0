/// <reference lib="webworker" />
/**
 * The service worker: keeps the app shell (the page and its hashed assets) so the app opens with
 * the node stopped; documents themselves are in IndexedDB (y-indexeddb). The page is fetched from
 * the node first and from the cache only when the node is unreachable; hashed assets never
 * change, so they come from the cache first. The API and the WebSocket are never cached.
 */
const sw = self as unknown as ServiceWorkerGlobalScope
const CACHE = 'commonplace-shell-v1'

/** The hashed assets a page names. */
function assetsOf (html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(m => m[1])
}

async function cacheShell (): Promise<void> {
  const cache = await caches.open(CACHE)
  const page = await fetch('/', { cache: 'no-store' })
  if (!page.ok) return
  const html = await page.clone().text()
  await cache.put('/', page)
  await cache.addAll(assetsOf(html))
}

/** Keep the page just fetched, and only the assets it names (a new build replaces the old). */
async function keepPage (response: Response): Promise<void> {
  const cache = await caches.open(CACHE)
  const wanted = new Set(assetsOf(await response.clone().text()))
  await cache.put('/', response)
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname
    if (path.startsWith('/assets/') && !wanted.has(path)) await cache.delete(request)
  }
}

sw.addEventListener('install', event => {
  event.waitUntil(cacheShell().then(async () => { await sw.skipWaiting() }))
})

sw.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key)
    await sw.clients.claim()
  })())
})

sw.addEventListener('fetch', event => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== location.origin) return
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.match(event.request).then(async hit => hit ?? await fetchAndKeep(event.request)))
  } else if (event.request.mode === 'navigate' && url.pathname !== '/login') {
    event.respondWith(fetch('/', { cache: 'no-store' }).then(response => {
      if (response.ok) event.waitUntil(keepPage(response.clone()))
      return response
    }).catch(async () => (await caches.match('/')) ?? Response.error()))
  }
})

async function fetchAndKeep (request: Request): Promise<Response> {
  const response = await fetch(request)
  if (response.ok) {
    const cache = await caches.open(CACHE)
    await cache.put(request, response.clone())
  }
  return response
}
