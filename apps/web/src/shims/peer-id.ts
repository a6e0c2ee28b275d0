/**
 * Stands in for `@libp2p/peer-id` in the browser bundle (vite.config.ts `resolve.alias`).
 *
 * The page uses `@commonplace/record` (templates, metadata, sections), which imports
 * `@commonplace/core`, whose id parsers and signature checks reach libp2p's key code (about
 * 150 kB minified). None of it runs in the page: the node parses organisation ids and verifies
 * grants. Should a code path reach it, it fails loudly instead of silently accepting an id.
 */
export function peerIdFromString (_id: string): never {
  throw new Error('Organisation ids are parsed and verified by the node, not in the page')
}
