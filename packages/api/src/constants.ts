/** Longest card code accepted in a request (characters). */
export const MAX_CARD_CHARS = 4 * 1024
/** Most notice ids in one `read` request. */
export const MAX_NOTICE_IDS = 1000
/** Longest notice id (characters). */
export const MAX_NOTICE_ID_CHARS = 100
/** Most items of a list in a practice request (sections, reasons, networks). */
export const MAX_LIST = 64
/** Longest value of a search parameter (characters): the search reads every held document per query word. */
export const MAX_SEARCH_PARAM_CHARS = 500
/** Longest learning network name (characters). */
export const MAX_NETWORK_NAME_CHARS = 200
/** Most organisations one network invitation may admit. */
export const MAX_INVITATION_USES = 10_000
