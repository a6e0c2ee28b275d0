/** scrypt cost (docs/people.md, "Passwords"): 32 MiB and about 150 ms per hash on a 2-core machine. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const
/** Hashes computed at once; the others queue. Bounds a burst of sign-ins to 2 × 32 MiB. */
export const MAX_CONCURRENT_HASHES = 2
/** Sign-ins and invitation acceptances waiting for a hash; beyond it they are refused (ERR_TOO_MANY_ATTEMPTS). */
export const MAX_QUEUED_HASHES = 64
/** Shortest and longest password (characters). */
export const MIN_PASSWORD_CHARS = 10
export const MAX_PASSWORD_CHARS = 256
/** Longest person or organisation name, and email (characters). */
export const MAX_NAME_CHARS = 100
export const MAX_EMAIL_CHARS = 254
/** Most people in one organisation (a listing reads them all). */
export const MAX_PEOPLE = 1000

/** How long an invitation link works unless the admin says otherwise (ms). */
export const DEFAULT_INVITATION_TTL = 7 * 24 * 60 * 60 * 1000
/** Longest lifetime an admin may give an invitation (ms). */
export const MAX_INVITATION_TTL = 30 * 24 * 60 * 60 * 1000
/** Invitations outstanding at once. */
export const MAX_INVITATIONS = 200

/** How long a browser session lasts (ms). */
export const SESSION_TTL = 30 * 24 * 60 * 60 * 1000
/** Sessions one person may hold at once; signing in again past it ends the oldest. */
export const MAX_SESSIONS_PER_PERSON = 20

/** Failures in a row before attempts are slowed (per account and per address). */
export const FREE_FAILURES = 5
/** The first wait after the free failures (ms); it doubles with each further failure. */
export const FIRST_WAIT = 1000
/** Longest wait per address (ms): a guesser's own address waits up to this per guess. */
export const MAX_ADDRESS_WAIT = 15 * 60 * 1000
/** Longest wait per account (ms): short, so a stranger can slow a person down but never lock them out. */
export const MAX_ACCOUNT_WAIT = 60 * 1000
/** Accounts and addresses whose failures are remembered (oldest forgotten first). */
export const MAX_THROTTLED_KEYS = 10_000

/** How long a passkey challenge works (ms); each works once. */
export const CHALLENGE_TTL = 5 * 60 * 1000
/** Passkey challenges outstanding at once (oldest forgotten first): a page asking for many cannot grow the node's memory. */
export const MAX_CHALLENGES = 10_000
/** Passkeys one person may hold. */
export const MAX_PASSKEYS_PER_PERSON = 10
