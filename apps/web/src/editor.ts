/**
 * A TipTap editor bound to one section body (a Y.XmlFragment) of the record, with live cursors
 * of everyone else on the document (their organisation's name on each). The editor element is
 * a labelled, multi-line textbox. Each person's cursor stays after their own text when someone
 * else types at the same spot (own-cursor.ts).
 */
import { Editor, Extension } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import TaskList from '@tiptap/extension-task-list'
import TaskItem from '@tiptap/extension-task-item'
import Table from '@tiptap/extension-table'
import TableRow from '@tiptap/extension-table-row'
import TableHeader from '@tiptap/extension-table-header'
import TableCell from '@tiptap/extension-table-cell'
import Link from '@tiptap/extension-link'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCursor from '@tiptap/extension-collaboration-cursor'
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { OwnCursor } from './own-cursor.ts'
import './editor.css'

export interface SectionEditorInit {
  element: HTMLElement
  body: Y.XmlFragment
  provider: WebsocketProvider
  user: { name: string, color: string }
  label: string
  editable: boolean
  onFocus: (editor: Editor) => void
}

export function createSectionEditor (init: SectionEditorInit): Editor {
  return new Editor({
    element: init.element,
    editable: init.editable,
    extensions: [
      // history is Yjs's (undo per user), not ProseMirror's
      StarterKit.configure({ history: false, heading: { levels: [3, 4, 5, 6] } }),
      TaskList,
      TaskItem.configure({ nested: true }),
      Table.configure({ resizable: false }),
      TableRow,
      TableHeader,
      TableCell,
      Link.configure({ openOnClick: false, autolink: true }),
      Collaboration.configure({ fragment: init.body }),
      OwnCursor,
      CollaborationCursor.configure({ provider: init.provider, user: init.user, render: renderCursor }),
      LinkShortcut
    ],
    editorProps: {
      attributes: {
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': init.label,
        class: 'editor'
      }
    },
    onFocus: ({ editor }) => { init.onFocus(editor) }
  })
}

/**
 * Another person's cursor: a caret with their organisation's name above it. Hidden from screen
 * readers, which would otherwise read the name as part of the text ("Also here" says who is in).
 */
function renderCursor (user: { name: string, color: string }): HTMLElement {
  const caret = document.createElement('span')
  caret.className = 'collaboration-cursor__caret'
  caret.setAttribute('aria-hidden', 'true')
  caret.style.borderColor = user.color
  const label = document.createElement('span')
  label.className = 'collaboration-cursor__label'
  label.style.backgroundColor = user.color
  label.textContent = user.name
  caret.append(label)
  return caret
}

/** Ctrl+K (⌘K): add, change or remove the link at the selection, as the toolbar's Link does. */
const LinkShortcut = Extension.create({
  name: 'linkShortcut',
  addKeyboardShortcuts () {
    return { 'Mod-k': () => { editLink(this.editor); return true } }
  }
})

/** Ask for the link's address: empty removes the link, Cancel leaves it as it is. */
export function editLink (editor: Editor): void {
  const href = prompt('Link address (https://…)', String(editor.getAttributes('link').href ?? 'https://'))
  if (href == null) return
  if (href === '') editor.chain().focus().unsetLink().run()
  else editor.chain().focus().extendMarkRange('link').setLink({ href }).run()
}

/** Dark enough for white label text; y-prosemirror takes hex colours only. */
const PALETTE = ['#b3261e', '#1b6e3a', '#0b57d0', '#8e3fa3', '#a0520b', '#00696f', '#6b5e00', '#c2185b']

/** A colour for an organisation's cursor, stable for its name. */
export function colourFor (name: string): string {
  let hash = 0
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) | 0
  return PALETTE[Math.abs(hash) % PALETTE.length]
}
