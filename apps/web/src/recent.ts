/** Documents opened in this browser (their copy is in IndexedDB): listed when the node is unreachable. */
const KEY = 'commonplace:recent'

export interface Recent { id: string, title: string }

export function recentDocs (): Recent[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as Recent[]
  } catch {
    return []
  }
}

export function rememberDoc (id: string, title: string): void {
  const list = recentDocs().filter(r => r.id !== id)
  list.unshift({ id, title })
  localStorage.setItem(KEY, JSON.stringify(list.slice(0, 50)))
}
