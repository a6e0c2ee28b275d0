/**
 * Keeps each person's cursor after their own text when someone else types at the same spot.
 *
 * Before a remote change is applied, y-prosemirror's binding saves the local selection as Yjs
 * relative positions and restores it afterwards. It makes them with the default association (to
 * the character on the right, or the end of the text), so text another person inserts at my cursor
 * lands before my cursor, my next letter goes after theirs, and two people typing at one spot
 * interleave their letters. This plugin replaces that saved selection, for changes from elsewhere
 * (not this page's own edits or undo), with one whose cursor sticks to the character on its LEFT,
 * as in the editors people know: their text goes after my cursor, mine stays whole.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import type { EditorState } from '@tiptap/pm/state'
import { getRelativeSelection, ySyncPluginKey } from 'y-prosemirror'
import type { ProsemirrorBinding } from 'y-prosemirror'
import * as Y from 'yjs'

type RelativeSelection = ReturnType<typeof getRelativeSelection>

/**
 * The same place in a text, tied to the character on its left (`assoc` -1) or on its right
 * (`assoc` 0). Positions between blocks (not inside a text) are left as y-prosemirror made them.
 */
function associate (position: Y.RelativePosition | null, doc: Y.Doc, assoc: -1 | 0): Y.RelativePosition | null {
  if (position == null) return position
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc)
  if (absolute == null || !(absolute.type instanceof Y.XmlText)) return position
  return Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc)
}

/**
 * The selection as y-prosemirror saves it, but a cursor tied to the character on its left; a
 * range keeps its start tied to the right and its end to the left, so that text typed at either
 * edge by someone else stays out of it.
 */
export function ownSelection (binding: ProsemirrorBinding, state: EditorState): RelativeSelection {
  const saved = getRelativeSelection(binding, state)
  if (saved.type !== 'text') return saved
  const { anchor, head } = state.selection
  const doc = binding.doc
  return {
    ...saved,
    anchor: associate(saved.anchor, doc, anchor === head || anchor > head ? -1 : 0),
    head: associate(saved.head, doc, anchor === head || head > anchor ? -1 : 0)
  }
}

/** Adds the plugin to an editor that has the Collaboration extension (y-prosemirror's sync plugin). */
export const OwnCursor = Extension.create({
  name: 'ownCursor',
  addProseMirrorPlugins () {
    return [new Plugin({
      key: new PluginKey('ownCursor'),
      view: view => {
        const binding = (): ProsemirrorBinding | undefined => (ySyncPluginKey.getState(view.state) as { binding?: ProsemirrorBinding } | undefined)?.binding
        const doc = binding()?.doc
        // 'beforeTransaction' comes after the binding's own 'beforeAllTransactions', so this wins
        const before = (transaction: Y.Transaction): void => {
          const current = binding()
          if (transaction.local || current?.prosemirrorView == null) return
          current.beforeTransactionSelection = ownSelection(current, view.state)
        }
        doc?.on('beforeTransaction', before)
        return { destroy: () => { doc?.off('beforeTransaction', before) } }
      }
    })]
  }
})
