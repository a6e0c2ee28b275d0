/** Where the web app's WebSocket lives: `ws://<node>/ws/<doc id>` (y-websocket client protocol). */
export const WS_PATH_PREFIX = '/ws/'
/** The login link's path: `/login?token=…`. */
export const LOGIN_PATH = '/login'
/** How long a login link's one-time token stays valid (ms). */
export const LOGIN_TOKEN_TTL = 15 * 60 * 1000
/**
 * Largest WebSocket message from a browser (bytes). A pasted document arrives as one update;
 * the sync protocol takes updates up to 8 MiB, so do we.
 */
export const MAX_WS_MESSAGE_BYTES = 8 * 1024 * 1024
/** Largest awareness update accepted from a browser or a peer (bytes): cursors and names, not documents. */
export const MAX_AWARENESS_BYTES = 64 * 1024
/** Most documents a search answer lists. */
export const MAX_SEARCH_RESULTS = 200
/**
 * Most Yjs client ids a tab names when it connects (`?clients=`): the ids it writes with, kept per
 * document in the browser, including older ones whose offline edits may not have reached the node.
 */
export const MAX_TAB_CLIENTS = 32
/** Where a tab asks for a client id of its own: `POST /api/web/docs/<id>/clients`. */
export const TAB_CLIENTS_PATH = '/api/web/docs/([^/]+)/clients'
