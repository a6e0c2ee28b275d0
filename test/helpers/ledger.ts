/**
 * Which edits were acknowledged, kept by the test: each edit appends a paragraph with a unique
 * token to a document, and the token is recorded once the acknowledgement came back (the local
 * API's answer, or the owner's node saying the peer confirmed it). After a crash or a partition,
 * every recorded token must be in the document: a missing one is an acknowledged edit lost.
 */
import type { CliApi } from '@commonplace/cli'

/** The one section every test document has, which edits append to. */
export const LOG_SECTION = 'Log'

/** Tokens are unique over every ledger of the process (a scratch ledger never repeats one). */
let nextToken = 0

export class EditLedger {
  private readonly tokens = new Map<string, string[]>()
  /** Edits sent (acknowledged or not). */
  sent = 0

  /** A token no other edit of this ledger carries (`prefix` says who made it, for failure messages). */
  token (prefix: string): string {
    return `${prefix}-${(nextToken++).toString(36)}-edit`
  }

  /** Record that the edit carrying `token` was acknowledged. */
  ack (doc: string, token: string): void {
    const list = this.tokens.get(doc) ?? []
    list.push(token)
    this.tokens.set(doc, list)
  }

  /** Acknowledged edits, over every document. */
  get acked (): number {
    let n = 0
    for (const list of this.tokens.values()) n += list.length
    return n
  }

  docs (): string[] { return [...this.tokens.keys()] }

  /** The acknowledged tokens of `doc` that `text` (the document as some node holds it) lacks. */
  missing (doc: string, text: string): string[] {
    return (this.tokens.get(doc) ?? []).filter(t => !text.includes(t))
  }
}

/**
 * Append one paragraph with a fresh token through the API; the token goes into the ledger once the
 * answer came back (the node acknowledges a change only once it is on disk). A call that fails (the
 * node was killed under it) is not acknowledged and is not counted.
 */
export async function appendEdit (api: CliApi, doc: string, ledger: EditLedger, who: string): Promise<string | undefined> {
  const token = ledger.token(who)
  ledger.sent++
  try {
    await api.editDoc(doc, { append: { section: LOG_SECTION, text: `Reading ${token}: fridge at 5 °C, logged.` } })
  } catch {
    return undefined
  }
  ledger.ack(doc, token)
  return token
}
