import { CommonplaceError } from '@commonplace/core'

/** Process exit codes of the `commonplace` command. */
export const EXIT = {
  ok: 0,
  failure: 1,
  notRunning: 2,
  /** EX_USAGE from sysexits.h. */
  usage: 64
} as const

/** The command line is wrong: unknown command or option, missing or malformed argument. */
export class UsageError extends CommonplaceError {
  static override readonly code = 'ERR_USAGE'
  /** The command whose help explains the mistake ('doc create'), if known. */
  readonly command: string | undefined

  constructor (message: string, command?: string) {
    super(message, 'ERR_USAGE')
    this.name = 'UsageError'
    this.command = command
  }
}

/** No node runs for the data folder (no node.json, a dead pid, or the API refused the connection). */
export class NodeNotRunningError extends CommonplaceError {
  static override readonly code = 'ERR_NODE_NOT_RUNNING'
  readonly dataDir: string

  constructor (dataDir: string, options?: ErrorOptions) {
    super(`No Commonplace node is running for ${dataDir} (start one with: commonplace start --data ${shellQuote(dataDir)})`, 'ERR_NODE_NOT_RUNNING', options)
    this.name = 'NodeNotRunningError'
    this.dataDir = dataDir
  }
}

/** The node runs without its web part, which serves search (`GET /api/search`). */
export class SearchUnavailableError extends CommonplaceError {
  static override readonly code = 'ERR_SEARCH_UNAVAILABLE'

  constructor (url: string, options?: ErrorOptions) {
    super(`The node at ${url} runs without its web app, which serves search: start it with the web app on (as 'commonplace start' does)`, 'ERR_SEARCH_UNAVAILABLE', options)
    this.name = 'SearchUnavailableError'
  }
}

/** Quote a word for a POSIX shell when it needs it. */
export function shellQuote (word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

/**
 * Refusals of the node that a person can act on: what they mean when the node sends no message,
 * and what to do next (printed after the message, without --json).
 */
export const REFUSALS: Readonly<Record<string, { message: string, advice: string }>> = {
  ERR_INVITATION_EXPIRED: {
    message: 'This invitation has expired',
    advice: 'ask a facilitator of the network for a new one'
  },
  ERR_INVITATION_USED: {
    message: 'This invitation has already been used',
    advice: 'an invitation joins as many organisations as its --uses; ask a facilitator for a new one'
  },
  ERR_INVITATION_INVALID: {
    message: 'This invitation is not valid: its signature does not check out, or its issuer is not a facilitator',
    advice: 'copy the whole code again, or ask a facilitator for a new one'
  },
  ERR_INVITATION_WRONG_NETWORK: {
    message: 'This invitation is for another network than the one it names',
    advice: 'ask a facilitator of the network you mean to join for a code'
  },
  ERR_CARD_INVALID: {
    message: 'This is not a valid organisation card, or it was changed',
    advice: "ask the organisation to copy its card ('commonplace card') again, whole"
  },
  ERR_CARD_SELF: {
    message: "This is this organisation's own card",
    advice: 'add the card of another organisation'
  },
  ERR_CONTACT_EXISTS: {
    message: 'That organisation is already a contact',
    advice: "see 'commonplace contact list'"
  },
  ERR_LAST_ADMIN: {
    message: 'The organisation must keep at least one admin',
    advice: "make someone else admin first ('commonplace person role PERSON admin')"
  }
}
