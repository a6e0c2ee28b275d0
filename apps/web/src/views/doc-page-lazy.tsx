/**
 * The document page, loaded when a document is opened: the editor (TipTap, ProseMirror, Yjs and
 * its providers) is most of the app's code, and the document list needs none of it.
 */
import { useEffect, useState } from 'preact/hooks'
import type { ComponentProps, FunctionComponent } from 'preact'
import type { DocPage as DocPageView } from './doc-page.tsx'

type Props = ComponentProps<typeof DocPageView>

let loaded: Promise<FunctionComponent<Props>> | undefined
const load = async (): Promise<FunctionComponent<Props>> => {
  loaded ??= import('./doc-page.tsx').then(m => m.DocPage)
  return await loaded
}

/** {@link DocPageView}, once its code is here; "Opening…" meanwhile, or why it could not load. */
export function DocPage (props: Props) {
  const [View, setView] = useState<FunctionComponent<Props> | undefined>()
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let live = true
    load().then(view => { if (live) setView(() => view) }, () => {
      loaded = undefined
      if (live) setFailed(true)
    })
    return () => { live = false }
  }, [])
  if (View != null) return <View {...props} />
  return failed
    ? <p role="alert" class="error">The document page could not be loaded from the node. Reload when the node is reachable.</p>
    : <p role="status">Opening the document…</p>
}
