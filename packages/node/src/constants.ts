/** Where libp2p listens unless told otherwise: TCP and WebSockets on every interface. */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/7421', '/ip4/0.0.0.0/tcp/7422/ws']
/** The local API (and later the web app): loopback only. */
export const DEFAULT_HTTP = { host: '127.0.0.1', port: 7420 }

/** Files in the data folder. */
export const FILES = {
  identity: 'identity.key',
  config: 'config.json',
  database: 'commonplace.db',
  token: 'api-token',
  nodeInfo: 'node.json',
  /** The seed of this organisation's introduction identity (its card's `introKey`). */
  introSecret: 'intro.key'
} as const

/** How long `connect` waits for a dial by default (ms). */
export const DEFAULT_DIAL_TIMEOUT = 10_000
