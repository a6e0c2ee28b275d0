import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'

/**
 * A TCP proxy on loopback that counts every byte crossing it: bytes are measured at the
 * transport, not as the code under test thinks it sent them. Point a client at `port`. Both of its
 * sockets send at once (TCP_NODELAY, as libp2p's TCP transport and the hubs' WebSockets do):
 * with Nagle's algorithm a small frame could wait ~40 ms for the previous one's delayed ACK.
 */
export interface CountingProxy {
  port: number
  /** Client → target and target → client bytes since start (or the last reset). */
  readonly up: number
  readonly down: number
  reset(): void
  /** Drop every connection through the proxy (a network cut). */
  cut(): void
  close(): Promise<void>
}

export async function countingProxy (targetPort: number, targetHost = '127.0.0.1'): Promise<CountingProxy> {
  let up = 0
  let down = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer({ noDelay: true }, client => {
    const target = connect({ port: targetPort, host: targetHost, noDelay: true })
    for (const s of [client, target]) {
      sockets.add(s)
      s.on('close', () => { sockets.delete(s) })
      s.on('error', () => { client.destroy(); target.destroy() })
    }
    client.on('data', chunk => { up += chunk.byteLength; if (!target.write(chunk)) client.pause() })
    target.on('data', chunk => { down += chunk.byteLength; if (!client.write(chunk)) target.pause() })
    target.on('drain', () => { client.resume() })
    client.on('drain', () => { target.resume() })
    client.on('end', () => { target.end() })
    target.on('end', () => { client.end() })
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('proxy did not bind')
  return {
    port: address.port,
    get up () { return up },
    get down () { return down },
    reset () { up = 0; down = 0 },
    cut () { for (const s of sockets) s.destroy() },
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}
