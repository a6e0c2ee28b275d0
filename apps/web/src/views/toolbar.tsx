import { useEffect, useRef, useState } from 'preact/hooks'
import type { Editor } from '@tiptap/core'
import { editLink } from '../editor.ts'

/** The key that moves the focus from an editor to its toolbar, as in common editors. */
export const TOOLBAR_SHORTCUT = 'Alt+F10'

interface Tool {
  label: string
  run: (e: Editor) => void
  active?: (e: Editor) => boolean
  /** The editor's own shortcut for it (TipTap's), as `Mod+Shift+8`: Mod is Ctrl, or ⌘ on a Mac. */
  keys?: string
}

const TOOLS: Tool[] = [
  { label: 'Bold', keys: 'Mod+B', run: e => e.chain().focus().toggleBold().run(), active: e => e.isActive('bold') },
  { label: 'Italic', keys: 'Mod+I', run: e => e.chain().focus().toggleItalic().run(), active: e => e.isActive('italic') },
  { label: 'Heading', keys: 'Mod+Alt+3', run: e => e.chain().focus().toggleHeading({ level: 3 }).run(), active: e => e.isActive('heading') },
  { label: 'Bullet list', keys: 'Mod+Shift+8', run: e => e.chain().focus().toggleBulletList().run(), active: e => e.isActive('bulletList') },
  { label: 'Numbered list', keys: 'Mod+Shift+7', run: e => e.chain().focus().toggleOrderedList().run(), active: e => e.isActive('orderedList') },
  { label: 'Checklist', keys: 'Mod+Shift+9', run: e => e.chain().focus().toggleTaskList().run(), active: e => e.isActive('taskList') },
  { label: 'Table', run: e => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run() },
  { label: 'Link', keys: 'Mod+K', run: editLink, active: e => e.isActive('link') }
]

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** `Mod+Shift+8` as aria-keyshortcuts wants it (`Control+Shift+8`) and as a person reads it. */
function shortcut (keys: string): { aria: string, shown: string } {
  const parts = keys.split('+')
  const aria = parts.map(k => k === 'Mod' ? (MAC ? 'Meta' : 'Control') : k).join('+')
  // a Mac writes its modifiers as symbols, in the order ⌥⇧⌘
  const mac = ['Alt', 'Shift', 'Mod']
  const shown = MAC
    ? [...mac.filter(m => parts.includes(m)), ...parts.filter(k => !mac.includes(k))].map(k => ({ Mod: '⌘', Alt: '⌥', Shift: '⇧' })[k] ?? k).join('')
    : parts.map(k => k === 'Mod' ? 'Ctrl' : k).join('+')
  return { aria, shown }
}

/**
 * Formatting for the section editor that last had the focus: `editor` for what the buttons show,
 * `current()` for what they act on (the focus may have moved since the last render).
 *
 * Keyboard (WAI-ARIA toolbar pattern): Alt+F10 anywhere on the page moves the focus to the
 * toolbar, to the button used last; it is one Tab stop (roving tabindex), the arrow keys, Home and
 * End move between its buttons, Escape gives the focus back to the editor. Each button names its
 * shortcut (aria-keyshortcuts, and a hint shown on hover and keyboard focus).
 */
export function Toolbar ({ editor, current, disabled }: { editor: Editor | undefined, current: () => Editor | undefined, disabled: boolean }) {
  const [, setTick] = useState(0)
  const [index, setIndex] = useState(0)
  const bar = useRef<HTMLDivElement>(null)
  const off = disabled || editor == null
  useEffect(() => {
    if (editor == null) return
    const on = (): void => { setTick(t => t + 1) }
    editor.on('transaction', on)
    return () => { editor.off('transaction', on) }
  }, [editor])
  useEffect(() => {
    if (off) return
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'F10' || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
      event.preventDefault()
      bar.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => { document.removeEventListener('keydown', onKey) }
  }, [off])

  const move = (to: number): void => {
    const next = (to + TOOLS.length) % TOOLS.length
    setIndex(next)
    bar.current?.querySelectorAll('button')[next]?.focus()
  }
  const onKeyDown = (event: KeyboardEvent): void => {
    // from the focused button, not `index`: keys pressed faster than a render still count
    const at = Array.from(bar.current?.querySelectorAll('button') ?? []).indexOf(document.activeElement as HTMLButtonElement)
    const keys: Record<string, () => void> = {
      ArrowRight: () => { move(at + 1) },
      ArrowLeft: () => { move(at - 1) },
      Home: () => { move(0) },
      End: () => { move(TOOLS.length - 1) },
      Escape: () => { current()?.commands.focus() }
    }
    const action = keys[event.key]
    if (action == null) return
    event.preventDefault()
    action()
  }

  return (
    <div role="toolbar" aria-label="Formatting" aria-keyshortcuts={TOOLBAR_SHORTCUT} class="toolbar" ref={bar} onKeyDown={onKeyDown}>
      {TOOLS.map((tool, i) => {
        const keys = tool.keys != null ? shortcut(tool.keys) : undefined
        return (
          <button key={tool.label} type="button" disabled={off} tabIndex={i === index ? 0 : -1}
            aria-pressed={tool.active != null && editor != null ? tool.active(editor) : undefined}
            aria-keyshortcuts={keys?.aria}
            onFocus={() => { setIndex(i) }}
            onMouseDown={e => { e.preventDefault() }} onClick={() => { const target = current(); if (target != null) tool.run(target) }}>
            {tool.label}
            {keys != null && <span class="shortcut-hint" aria-hidden="true">{keys.shown}</span>}
          </button>
        )
      })}
    </div>
  )
}
