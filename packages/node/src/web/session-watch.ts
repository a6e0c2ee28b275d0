/**
 * What each browser session has open that must end with it: its event stream and its documents'
 * live connections. When a session ends (signing out, ending it from the list, signing out
 * everywhere, a role change, a removal: docs/people.md) everything watching it is ended at once.
 */

/** Ends one open thing, saying why ("signed out: role changed"). */
export type EndOpen = (reason: string) => void

export interface SessionWatch {
  /** Call `end` when `session` ends; returns the function that stops watching (call it when the thing closes). */
  watch(session: string, end: EndOpen): () => void
  /** End everything the sessions have open. */
  end(sessions: readonly string[], reason: string): void
}

export function createSessionWatch (): SessionWatch {
  const open = new Map<string, Set<EndOpen>>()
  return {
    watch (session, end) {
      const ends = open.get(session) ?? new Set()
      open.set(session, ends)
      ends.add(end)
      return () => {
        ends.delete(end)
        if (ends.size === 0 && open.get(session) === ends) open.delete(session)
      }
    },
    end (sessions, reason) {
      for (const session of sessions) {
        const ends = open.get(session)
        open.delete(session)
        for (const end of ends ?? []) end(reason)
      }
    }
  }
}
