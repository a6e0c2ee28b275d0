/**
 * "Changed since you last looked" (docs/history.md): per document, a hash of each section's text as
 * this browser last showed it, in localStorage. Nothing goes to the node.
 */
const KEY = 'commonplace:last-looked:'

/** A short hash of a text (FNV-1a, 32 bits): enough to tell a change, never sent anywhere. */
function hash (text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(36)
}

/**
 * The ids of the sections whose heading or text differ from what this browser last saw of the
 * document (none the first time), and remember what it sees now.
 */
export function changedSinceLastLook (doc: string, sections: ReadonlyArray<{ id: string, heading: string, markdown: string }>): Set<string> {
  let before: Record<string, string> = {}
  try { before = JSON.parse(localStorage.getItem(KEY + doc) ?? '{}') as Record<string, string> } catch { /* unreadable: as if never seen */ }
  const now = Object.fromEntries(sections.map(s => [s.id, hash(`${s.heading}\n${s.markdown}`)]))
  const seen = Object.keys(before).length > 0
  const changed = new Set(seen ? sections.filter(s => before[s.id] !== now[s.id]).map(s => s.id) : [])
  try { localStorage.setItem(KEY + doc, JSON.stringify(now)) } catch { /* full: the next look shows no highlight */ }
  return changed
}
