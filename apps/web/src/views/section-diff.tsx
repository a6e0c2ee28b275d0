/**
 * Sections compared between two versions (the node's `compareSections`), as a person reads a
 * change: each section under its heading, the lines taken out struck through and the lines put
 * in underlined, each also marked in words for screen readers ("removed:", "added:"), since
 * colour and strike-through alone say nothing to them.
 */
import type { ComponentChildren } from 'preact'
import type { SectionChangeView } from '../practice-api.ts'

const STATUS_WORDS: Record<SectionChangeView['status'], string> = {
  unchanged: 'unchanged',
  changed: 'changed',
  added: 'new section',
  removed: 'section removed'
}

interface Props {
  sections: SectionChangeView[]
  /** What each section's change is, for the region's name ("Changes in the source"). */
  label: string
  /** Actions under a section (take, dismiss), when the view offers any. */
  actions?: (section: SectionChangeView) => ComponentChildren
}

/** Every changed section of a comparison, with its line diff. */
export function SectionDiff ({ sections, label, actions }: Props) {
  const changed = sections.filter(s => s.status !== 'unchanged')
  if (changed.length === 0) return <p>No section differs.</p>
  return (
    <ol class="section-diff plain" aria-label={label}>
      {changed.map(s => (
        <li key={s.id} class="diff-section">
          <h3>
            {s.heading}
            {s.headingBefore != null && s.headingBefore !== s.heading && <span class="meta"> (was “{s.headingBefore}”)</span>}
            <span class={`badge diff-${s.status}`}>{STATUS_WORDS[s.status]}</span>
          </h3>
          <DiffLines section={s} />
          {actions?.(s)}
        </li>
      ))}
    </ol>
  )
}

/** The lines of one section: a line diff, or the whole text added or removed. */
function DiffLines ({ section: s }: { section: SectionChangeView }) {
  const lines = s.diff?.lines ??
    (s.status === 'added' ? toLines(s.after, 'added') : s.status === 'removed' ? toLines(s.before, 'removed') : [])
  const replaced = s.diff?.replaced === true
  return (
    <div class="diff-lines">
      {replaced && <p class="meta">Too different to compare line by line: shown as replaced whole.</p>}
      {lines.length === 0
        ? <p class="meta">(empty)</p>
        : lines.map((l, i) => l.op === 'same'
          ? <div key={i} class="line same">{l.text === '' ? '\u00a0' : l.text}</div>
          : l.op === 'added'
            ? <ins key={i} class="line added"><span class="sr-only">added: </span>{l.text === '' ? '\u00a0' : l.text}</ins>
            : <del key={i} class="line removed"><span class="sr-only">removed: </span>{l.text === '' ? '\u00a0' : l.text}</del>)}
    </div>
  )
}

function toLines (markdown: string | undefined, op: 'added' | 'removed'): Array<{ op: 'added' | 'removed', text: string }> {
  if (markdown == null || markdown === '') return []
  return markdown.replace(/\n+$/, '').split('\n').map(text => ({ op, text }))
}
