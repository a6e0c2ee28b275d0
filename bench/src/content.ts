/**
 * The same content for every system: documents generated once, deterministically, from a seed.
 * Text reads like the good-practice records of ../shared/DOMAIN.md (English and German).
 */

const WORDS = [
  'practice', 'protocol', 'duty', 'doctor', 'results', 'review', 'patient', 'reception', 'nurse', 'fridge',
  'temperature', 'checklist', 'trench', 'shoring', 'apprentice', 'site', 'manager', 'concrete', 'frost',
  'Baugrube', 'sichern', 'Beton', 'Frost', 'Auszubildende', 'Prüfung', 'Schalung', 'Verbau', 'Abdeckung',
  'within', 'two', 'working', 'days', 'before', 'after', 'every', 'shift', 'log', 'record', 'agreed', 'local'
]

/** mulberry32: small, fast and good enough to make text. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface DocContent {
  title: string
  /** About `bytes` characters of text in paragraphs. */
  text: string
}

/** `count` documents of about `bytes` characters each; equal seeds give equal documents. */
export function makeDocs (seed: number, count: number, bytes: number): DocContent[] {
  const rand = prng(seed)
  const docs: DocContent[] = []
  for (let i = 0; i < count; i++) {
    const words: string[] = []
    let length = 0
    while (length < bytes) {
      const w = WORDS[Math.floor(rand() * WORDS.length)]
      words.push(w)
      length += w.length + 1
      if (rand() < 0.08) { words.push('\n'); length += 1 }
    }
    docs.push({ title: `Practice ${i}: ${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`, text: words.join(' ').slice(0, bytes) })
  }
  return docs
}
