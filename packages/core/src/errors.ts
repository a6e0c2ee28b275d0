/**
 * Named errors. Every refusal a user or a peer can cause has its own class with a
 * stable `code`; check errors by `err.name` or `err.code`, never by message text.
 */

/** The base of every Commonplace error: a stable, machine-readable `code`. */
export class CommonplaceError extends Error {
  static readonly code: string = 'ERR_COMMONPLACE'
  readonly code: string

  constructor (message: string, code: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

type NamedError = (new (message?: string, options?: ErrorOptions) => CommonplaceError) & { readonly code: string }

/** Every named error by its code, to rebuild one from a code sent over HTTP or the wire. */
const BY_CODE = new Map<string, NamedError>()

function define (name: string, code: string, defaultMessage: string): NamedError {
  const Named = class extends CommonplaceError {
    static override readonly code = code
    constructor (message = defaultMessage, options?: ErrorOptions) {
      super(message, code, options)
      this.name = name
    }
  }
  Object.defineProperty(Named, 'name', { value: name })
  BY_CODE.set(code, Named)
  return Named
}

/** The named error for `code` (a plain CommonplaceError with that code when there is none). */
export function errorFromCode (code: string, message: string): CommonplaceError {
  const Named = BY_CODE.get(code)
  return Named == null ? new CommonplaceError(message, code) : new Named(message)
}

/** A string does not match the grammar of the id it claims to be. */
export const InvalidIdError = define('InvalidIdError', 'ERR_INVALID_ID', 'Invalid id')
/** Input (a request body, an option, a statement) is malformed. */
export const InvalidInputError = define('InvalidInputError', 'ERR_INVALID_INPUT', 'Invalid input')
/** The requested document, peer or record does not exist here. */
export const NotFoundError = define('NotFoundError', 'ERR_NOT_FOUND', 'Not found')
/** The actor may not do this (no grant, or only read access). */
export const ForbiddenError = define('ForbiddenError', 'ERR_FORBIDDEN', 'Not allowed')
/** A local edit was attempted on a document this organisation may only read. */
export const ReadOnlyError = define('ReadOnlyError', 'ERR_READ_ONLY', 'This organisation has read access only')
/** A signed statement (grant) has a bad signature, a wrong issuer or a bad shape. */
export const InvalidStatementError = define('InvalidStatementError', 'ERR_INVALID_STATEMENT', 'Invalid signed statement')
/** A wire frame could not be decoded. */
export const MalformedMessageError = define('MalformedMessageError', 'ERR_MALFORMED_MESSAGE', 'Malformed message')
/** A wire frame or update is larger than the limit. */
export const OversizedMessageError = define('OversizedMessageError', 'ERR_OVERSIZED_MESSAGE', 'Message too large')
/** Bytes that claim to be a Yjs update do not decode as one. */
export const CorruptUpdateError = define('CorruptUpdateError', 'ERR_CORRUPT_UPDATE', 'Corrupt Yjs update')
/** Stored bytes could not be read back (corrupt record); nothing was overwritten. */
export const StorageCorruptError = define('StorageCorruptError', 'ERR_STORAGE_CORRUPT', 'Stored data is corrupt')
/** A write did not reach the disk; nothing of it was applied. */
export const StorageWriteError = define('StorageWriteError', 'ERR_STORAGE_WRITE', 'Write failed')
/** The disk (or the storage quota) is full; nothing of the write was applied. */
export const StorageFullError = define('StorageFullError', 'ERR_STORAGE_FULL', 'Storage is full')
/** Another process has this data folder open. */
export const DataFolderInUseError = define('DataFolderInUseError', 'ERR_DATA_FOLDER_IN_USE', 'The data folder is in use by another process')
/** The store was used after `close()`. */
export const StorageClosedError = define('StorageClosedError', 'ERR_STORAGE_CLOSED', 'Storage is closed')
/** The operation was aborted through its AbortSignal. */
export const AbortError = define('AbortError', 'ABORT_ERR', 'The operation was aborted')
/** A peer broke the protocol (wrong message order, unknown message). */
export const ProtocolError = define('ProtocolError', 'ERR_PROTOCOL', 'Protocol violation')

/** True when `err` is a CommonplaceError. */
export function isCommonplaceError (err: unknown): err is CommonplaceError {
  return err instanceof CommonplaceError
}

/** A peer could not be reached or the dial failed. */
export const ConnectionFailedError = define('ConnectionFailedError', 'ERR_CONNECTION_FAILED', 'Could not connect to the peer')
/** A listen or API address is already taken. */
export const AddressInUseError = define('AddressInUseError', 'ERR_ADDRESS_IN_USE', 'The address is already in use')

/** An invitation code past its expiry time. */
export const InvitationExpiredError = define('InvitationExpiredError', 'ERR_INVITATION_EXPIRED', 'The invitation has expired')
/** An invitation code that was already used as many times as it allows. */
export const InvitationUsedError = define('InvitationUsedError', 'ERR_INVITATION_USED', 'The invitation has already been used')
/** An invitation code that does not verify (bad signature, issuer not a facilitator, unreadable). */
export const InvitationInvalidError = define('InvitationInvalidError', 'ERR_INVITATION_INVALID', 'The invitation is not valid')
/** An invitation code presented to a node that is not in the code's network. */
export const InvitationWrongNetworkError = define('InvitationWrongNetworkError', 'ERR_INVITATION_WRONG_NETWORK', 'The invitation is for another network')

/** A card code that is malformed, or whose signature does not verify (changed or forged). */
export const CardInvalidError = define('CardInvalidError', 'ERR_CARD_INVALID', 'The card is not valid')
/** This organisation's own card, given where another organisation's is expected. */
export const CardSelfError = define('CardSelfError', 'ERR_CARD_SELF', 'This is this organisation\'s own card')
/** An organisation that is already a contact in this node's directory. */
export const ContactExistsError = define('ContactExistsError', 'ERR_CONTACT_EXISTS', 'The organisation is already a contact')
/** The other node refused an introduction or an acceptance (full, expired, not addressed to it). */
export const IntroductionRefusedError = define('IntroductionRefusedError', 'ERR_INTRODUCTION_REFUSED', 'The introduction was refused')

/** Input nested deeper than the limit (Markdown quotes and lists, say); nothing of it was applied. */
export const InputTooDeepError = define('InputTooDeepError', 'ERR_INPUT_TOO_DEEP', 'The input is nested too deeply')

/** A signed change envelope that does not decode, or breaks a bound (docs/authorship.md). */
export const EnvelopeInvalidError = define('EnvelopeInvalidError', 'ERR_ENVELOPE_INVALID', 'The change envelope is not valid')
/** A change envelope whose signature does not verify against its signer (altered or forged). */
export const EnvelopeSignatureError = define('EnvelopeSignatureError', 'ERR_ENVELOPE_SIGNATURE', 'The change envelope\'s signature does not verify')
/** An update that writes with a Yjs client id not bound to its signer, or a binding that another organisation holds. */
export const ForeignClientError = define('ForeignClientError', 'ERR_FOREIGN_CLIENT', 'The change writes with a client id bound to another organisation')

/** A practice operation on a document that is no variant (it has no `derivedFrom`; docs/practice.md). */
export const NotAVariantError = define('NotAVariantError', 'ERR_NOT_A_VARIANT', 'The document is not adapted from another')
/** A variant's source is not held by this node (not shared with it, or not arrived yet). */
export const SourceUnavailableError = define('SourceUnavailableError', 'ERR_SOURCE_UNAVAILABLE', 'The source document is not held here')
/** A proposal with no section that differs from the source. */
export const NothingToProposeError = define('NothingToProposeError', 'ERR_NOTHING_TO_PROPOSE', 'No section differs from the source')
/** A proposal that was already accepted or declined. */
export const ProposalClosedError = define('ProposalClosedError', 'ERR_PROPOSAL_CLOSED', 'The proposal was already decided')
/** An adoption state outside aware, considering, trialling, adopted, adapted, discontinued. */
export const AdoptionStateUnknownError = define('AdoptionStateUnknownError', 'ERR_ADOPTION_STATE_UNKNOWN', 'Unknown adoption state')
/** A note, message or reply longer than its bound; nothing was written. */
export const TextTooLongError = define('TextTooLongError', 'ERR_TEXT_TOO_LONG', 'The text is too long')
/** An adoption state for a network the practice is not shared with (its members may not read it). */
export const NotSharedError = define('NotSharedError', 'ERR_NOT_SHARED', 'The document is not shared with that network')
/** More items than the bound allows (adoption changes of one practice, say); nothing was written. */
export const TooManyError = define('TooManyError', 'ERR_TOO_MANY', 'Too many items')

// conversation and history (docs/history.md)
/** A comment, reply, resolve or reopen by an organisation that may only read the document. */
export const CommentForbiddenError = define('CommentForbiddenError', 'ERR_COMMENT_FORBIDDEN', 'This organisation may not comment on the document')
/** A quote that is not in the section, or a section the document does not have. */
export const AnchorNotFoundError = define('AnchorNotFoundError', 'ERR_ANCHOR_NOT_FOUND', 'The passage is not in the document')
/** A version number the node holds no version under. */
export const VersionUnknownError = define('VersionUnknownError', 'ERR_VERSION_UNKNOWN', 'Unknown version')
/** Sign-in with an unknown name or a wrong password (one answer for both; docs/people.md). */
export const SignInFailedError = define('SignInFailedError', 'ERR_SIGN_IN_FAILED', 'The name or the password is wrong')
/** Too many failed sign-ins from this address or for this person: try again after a wait. */
export const TooManyAttemptsError = define('TooManyAttemptsError', 'ERR_TOO_MANY_ATTEMPTS', 'Too many failed attempts; wait before trying again')
/** The person's role (viewer, editor) does not allow this. */
export const RoleForbiddenError = define('RoleForbiddenError', 'ERR_ROLE_FORBIDDEN', 'Your role does not allow this')
/** No valid session: never signed in, signed out, or signed out because the role changed or the person was removed. */
export const SignedOutError = define('SignedOutError', 'ERR_SIGNED_OUT', 'You are signed out; sign in again')
/** Removing or demoting the organisation's only admin. */
export const LastAdminError = define('LastAdminError', 'ERR_LAST_ADMIN', 'The organisation must keep at least one admin')
/** A passkey registration the node cannot accept (wrong origin, expired challenge, no user verification, unknown key type). */
export const PasskeyInvalidError = define('PasskeyInvalidError', 'ERR_PASSKEY_INVALID', 'The passkey could not be added')
/** A sign-in with a passkey the node does not accept (unknown, removed, wrong signature, expired challenge). */
export const PasskeySignInFailedError = define('PasskeySignInFailedError', 'ERR_PASSKEY_SIGN_IN_FAILED', 'This passkey was not accepted')
