import { useEffect, useState } from 'preact/hooks'
import type { Editor } from '@tiptap/core'

interface Tool { label: string, run: (e: Editor) => void, active?: (e: Editor) => boolean }

const TOOLS: Tool[] = [
  { label: 'Bold', run: e => e.chain().focus().toggleBold().run(), active: e => e.isActive('bold') },
  { label: 'Italic', run: e => e.chain().focus().toggleItalic().run(), active: e => e.isActive('italic') },
  { label: 'Heading', run: e => e.chain().focus().toggleHeading({ level: 3 }).run(), active: e => e.isActive('heading') },
  { label: 'Bullet list', run: e => e.chain().focus().toggleBulletList().run(), active: e => e.isActive('bulletList') },
  { label: 'Numbered list', run: e => e.chain().focus().toggleOrderedList().run(), active: e => e.isActive('orderedList') },
  { label: 'Checklist', run: e => e.chain().focus().toggleTaskList().run(), active: e => e.isActive('taskList') },
  { label: 'Table', run: e => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run() },
  {
    label: 'Link',
    run: e => {
      const href = prompt('Link address (https://…)', String(e.getAttributes('link').href ?? 'https://'))
      if (href == null) return
      if (href === '') e.chain().focus().unsetLink().run()
      else e.chain().focus().extendMarkRange('link').setLink({ href }).run()
    },
    active: e => e.isActive('link')
  }
]

/**
 * Formatting for the section editor that last had the focus: `editor` for what the buttons show,
 * `current()` for what they act on (the focus may have moved since the last render).
 */
export function Toolbar ({ editor, current, disabled }: { editor: Editor | undefined, current: () => Editor | undefined, disabled: boolean }) {
  const [, setTick] = useState(0)
  useEffect(() => {
    if (editor == null) return
    const on = (): void => { setTick(t => t + 1) }
    editor.on('transaction', on)
    return () => { editor.off('transaction', on) }
  }, [editor])
  return (
    <div role="toolbar" aria-label="Formatting" class="toolbar">
      {TOOLS.map(tool => (
        <button key={tool.label} type="button" disabled={disabled || editor == null}
          aria-pressed={tool.active != null && editor != null ? tool.active(editor) : undefined}
          onMouseDown={e => { e.preventDefault() }} onClick={() => { const target = current(); if (target != null) tool.run(target) }}>
          {tool.label}
        </button>
      ))}
    </div>
  )
}
