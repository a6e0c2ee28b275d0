/**
 * A view whose code is loaded when it is first shown: the document page (TipTap, ProseMirror,
 * Yjs and its providers, most of the app's code), the proposals and the diffusion view, none of
 * which the document list needs.
 */
import { useEffect, useState } from 'preact/hooks'
import type { FunctionComponent } from 'preact'

/**
 * `load`'s component once its code is here; `waiting` meanwhile, or a sentence saying why it could
 * not load (a later mount tries again).
 */
export function lazyView<P extends object> (load: () => Promise<FunctionComponent<P>>, waiting: string): FunctionComponent<P> {
  let loaded: Promise<FunctionComponent<P>> | undefined
  return function Lazy (props: P) {
    const [View, setView] = useState<FunctionComponent<P> | undefined>()
    const [failed, setFailed] = useState(false)
    // asked for at the first render, not after the first paint: the code loads while the page paints
    if (!failed) loaded ??= load()
    useEffect(() => {
      let live = true
      loaded ??= load()
      loaded.then(view => { if (live) setView(() => view) }, () => {
        loaded = undefined
        if (live) setFailed(true)
      })
      return () => { live = false }
    }, [])
    if (View != null) return <View {...props} />
    return failed
      ? <p role="alert" class="error">This page could not be loaded from the node. Reload when the node is reachable.</p>
      : <p role="status">{waiting}</p>
  }
}
