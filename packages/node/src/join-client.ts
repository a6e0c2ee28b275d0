/**
 * The joining side of `/commonplace/join/1.0.0`: a throwaway libp2p node with the invitation's
 * one-off identity dials the members the code lists, one after the other, until one answers.
 */
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { ConnectionFailedError, errorFromCode, signStatement, verifyStatement } from '@commonplace/core'
import type { JoinStatement, OrgId, PresenceStatement, RequestStatement, Statement } from '@commonplace/core'
import { JOIN_PROTOCOL, JOIN_TIMEOUT_MS, joinKeyFromSecret, readFrame, writeFrame } from '@commonplace/network'
import type { InvitationCode } from '@commonplace/network'
import type { Logger, PrivateKey } from '@libp2p/interface'

export interface JoinInit {
  code: InvitationCode
  key: PrivateKey
  org: OrgId
  name: string
  presence: PresenceStatement | undefined
  now: number
  log: Logger
  signal?: AbortSignal
}

/** Run the handshake; resolves to the network's statements (verified). */
export async function runJoin (init: JoinInit): Promise<Statement[]> {
  const { code } = init
  const kind = code.genesis.visibility === 'approval' ? 'request' : 'join'
  const statement = kind === 'join'
    ? await signStatement<JoinStatement>(init.key, { type: 'join', network: code.genesis.network, member: init.org, name: init.name, invitation: code.invitation, joinedAt: init.now })
    : await signStatement<RequestStatement>(init.key, { type: 'request', network: code.genesis.network, member: init.org, name: init.name, invitation: code.invitation, requestedAt: init.now })
  const node = await createLibp2p({
    privateKey: await joinKeyFromSecret(code.secret),
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  const failures: string[] = []
  try {
    for (const address of code.addresses) {
      let answer: { ok?: boolean, code?: string, message?: string, statements?: unknown[] }
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(JOIN_TIMEOUT_MS), ...(init.signal != null ? [init.signal] : [])])
        const stream = await node.dialProtocol(multiaddr(address), JOIN_PROTOCOL, { signal })
        await writeFrame(stream, { statement, presence: init.presence }, { signal })
        answer = await readFrame(stream, { signal }) as typeof answer
        await stream.close().catch(() => {})
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`)
        init.log('join via %s failed: %s', address, (err as Error).message)
        continue
      }
      if (answer?.ok !== true) {
        throw errorFromCode(String(answer?.code ?? 'ERR_JOIN_REFUSED'), String(answer?.message ?? 'The member refused the join'))
      }
      const verified: Statement[] = []
      for (const s of Array.isArray(answer.statements) ? answer.statements.slice(0, 20_000) : []) {
        try { verified.push(await verifyStatement(s)) } catch { /* a bad statement is left out */ }
      }
      return verified
    }
  } finally {
    await node.stop()
  }
  throw new ConnectionFailedError(`No member of the network could be reached (${failures.join('; ') || 'the code lists no address'})`)
}
