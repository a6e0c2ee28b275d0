/**
 * A hostile peer, run as its own process:
 *
 *   node test/helpers/rogue-peer.ts <dataDir> <multiaddr> <docId>
 *
 * It takes the identity of the organisation whose (stopped) node owns `dataDir`, dials
 * `multiaddr` on the sync protocol and speaks the wire format by hand: HELLO, then WANT for the
 * document (a reader may fetch it), then ENVELOPES with one envelope it signs itself (its own key,
 * a client id derived for it) that renames the document to HIJACKED and appends a HIJACKED
 * section, built on top of the state it was served, so that if it were applied it would show on
 * every node. It then reads frames until the node answers with an ERROR for the document.
 *
 * stdout: one JSON object `{ error: { doc, code, message }, received: { <type>: count }, basedOnServedState, updateBytes }`.
 * Exit 0 when an ERROR came back; 1 on timeout (15 s) or if the stream ended first; 3 when the
 * organisation's own node is still running on `dataDir` (stop it first); 4 when the node refused
 * the connection or the protocol (stdout: `{ error: null, dialError: { name, message }, received }`).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { PROTOCOL, WIRE_VERSION } from '@commonplace/sync'
import type { ErrorMessage, Message } from '@commonplace/sync'
import { appendSection, setTitle } from '@commonplace/record'
import type { DocId } from '@commonplace/core'
import { itemUpdate, selfSigned } from './rogue-envelopes.ts'
import { framed, messagesOf, rawPeer } from './rogue-wire.ts'
import type { Stream } from '@libp2p/interface'
import { HIJACK_MARK, ROGUE_TIMEOUT_MS } from './rogue.ts'

const [dataDir, address, docId] = process.argv.slice(2)
if (dataDir == null || address == null || docId == null) {
  process.stderr.write('usage: rogue-peer.ts <dataDir> <multiaddr> <docId>\n')
  process.exit(64)
}
const doc = docId as DocId

if (ownNodeRunning(dataDir)) {
  process.stderr.write(`rogue-peer: the node of ${dataDir} is still running; stop it first\n`)
  process.exit(3)
}

const received: Record<string, number> = {}
const timer = setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: null, timeout: true, received }) + '\n')
  process.exit(1)
}, ROGUE_TIMEOUT_MS)

const key = privateKeyFromProtobuf(new Uint8Array(readFileSync(join(dataDir, 'identity.key'))))
const libp2p = await rawPeer(key)

let exitCode = 1
const stream = await dialOrExit()
try {
  const ydoc = new Y.Doc()
  send(stream, [
    { type: 'hello', version: WIRE_VERSION, storeId: 'rogue', name: 'rogue' },
    { type: 'want', doc, holdings: { vector: {} } }
  ])
  let basedOnServedState = false
  let updateBytes = 0
  let refusal: ErrorMessage | undefined
  for await (const message of messagesOf(stream)) {
    received[message.type] = (received[message.type] ?? 0) + 1
    if (message.type === 'reply' && message.doc === doc) {
      // the node serves a reader the document; build the forbidden edit on top of it
      for (const item of message.items) Y.applyUpdate(ydoc, itemUpdate(item))
      basedOnServedState = message.items.length > 0
      const item = await selfSigned(key, doc, Y.encodeStateAsUpdate(ydoc), d => {
        setTitle(d, `${HIJACK_MARK}: this document now belongs to the rogue`)
        appendSection(d, HIJACK_MARK, `${HIJACK_MARK} text pushed by a peer with read access only.`)
      })
      updateBytes = item.byteLength
      send(stream, [{ type: 'envelopes', doc, items: [item], more: false }])
    } else if (message.type === 'error' && message.doc === doc) {
      refusal = message
      break
    }
  }
  if (refusal != null) {
    process.stdout.write(JSON.stringify({
      error: { doc: refusal.doc, code: refusal.code, message: refusal.message }, received, basedOnServedState, updateBytes
    }) + '\n')
    exitCode = 0
  } else {
    process.stdout.write(JSON.stringify({ error: null, streamEnded: true, received }) + '\n')
  }
  await stream.close().catch(() => {})
} catch (err) {
  process.stderr.write(`rogue-peer: ${(err as Error).stack ?? String(err)}\n`)
} finally {
  clearTimeout(timer)
  try {
    await libp2p.stop()
  } catch {
    // exiting anyway
  }
}
process.exit(exitCode)

/** Open the sync protocol on the node, or report how the node refused it and exit 4. */
async function dialOrExit (): Promise<Stream> {
  try {
    return await libp2p.dialProtocol(multiaddr(address), PROTOCOL)
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: null, dialError: { name: (err as Error).name, message: (err as Error).message }, received }) + '\n')
    clearTimeout(timer)
    try {
      await libp2p.stop()
    } catch {
      // exiting anyway
    }
    process.exit(4)
  }
}

/** Send one length-prefixed frame (varint length, then the frame). */
function send (stream: Stream, batch: Message[]): void {
  stream.send(framed(batch))
}

/** True when `<dataDir>/node.json` names a live process. */
function ownNodeRunning (dir: string): boolean {
  let pid: unknown
  try {
    pid = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')).pid
  } catch {
    return false
  }
  if (typeof pid !== 'number') return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
