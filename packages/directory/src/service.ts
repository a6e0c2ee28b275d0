/**
 * The libp2p service for `/commonplace/introduce/1.0.0`: it answers one request per stream with
 * the reply its handler gives, within a timeout, and bounds frames and streams. What a request
 * means is the handler's (the node's) business.
 */
import { serviceCapabilities } from '@libp2p/interface'
import type { ComponentLogger, Connection, Logger, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { INTRODUCE_PROTOCOL, INTRODUCE_TIMEOUT_MS, MAX_INBOUND_STREAMS } from './constants.ts'
import { readMessage, writeMessage } from './messages.ts'
import type { IntroduceReply } from './messages.ts'

export interface IntroduceServiceInit {
  /** Answer a decoded request (not yet validated) from the connection's peer. */
  handle(request: unknown, connection: Connection): Promise<IntroduceReply>
  /**
   * The introduction identity of this node's card: a connection from it serves the one exchange
   * and is then closed (it has no other business here).
   */
  introKey(): string | undefined
  /** How long one exchange may take (ms). Default INTRODUCE_TIMEOUT_MS. */
  timeoutMs?: number
}

export interface IntroduceServiceComponents {
  registrar: Registrar
  logger: ComponentLogger
}

export interface IntroduceService extends Startable {
  readonly protocol: string
}

/** @example `createLibp2p({ services: { introduce: introduceService({ handle, introKey }) } })` */
export function introduceService (init: IntroduceServiceInit): (components: IntroduceServiceComponents) => IntroduceService {
  return (components) => new Introduce(components, init)
}

class Introduce implements IntroduceService {
  readonly [Symbol.toStringTag] = '@commonplace/introduce'
  readonly [serviceCapabilities] = ['@commonplace/introduce']
  readonly protocol = INTRODUCE_PROTOCOL
  private readonly components: IntroduceServiceComponents
  private readonly init: IntroduceServiceInit
  private readonly log: Logger

  constructor (components: IntroduceServiceComponents, init: IntroduceServiceInit) {
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('commonplace:introduce')
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(INTRODUCE_PROTOCOL, (stream, connection) => {
      this.answer(stream, connection).catch(err => { this.log('introduce from %p failed: %e', connection.remotePeer, err) })
    }, { maxInboundStreams: MAX_INBOUND_STREAMS })
  }

  async stop (): Promise<void> {
    await this.components.registrar.unhandle(INTRODUCE_PROTOCOL)
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.init.timeoutMs ?? INTRODUCE_TIMEOUT_MS)
    try {
      const request = await readMessage(stream, { signal })
      let reply: IntroduceReply
      try {
        reply = await this.init.handle(request, connection)
      } catch (err) {
        const e = err as Error & { code?: string }
        reply = { ok: false, code: e.code ?? 'ERR_INTRODUCTION_REFUSED', message: e.message }
      }
      await writeMessage(stream, reply, { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
      throw err
    } finally {
      if (connection.remotePeer.toString() === this.init.introKey()) connection.close().catch(() => {})
    }
  }
}
