/**
 * A fault-injecting TCP proxy in front of each of several node processes on loopback (the
 * reliability suite's partition runs, docs/reliability.md). Each node announces its proxy's port
 * (`start --announce`), so every connection to it, whoever dials, crosses the proxy, which knows
 * the dialling node by the process that holds the other end of the socket.
 *
 * Faults, per chunk of bytes as the proxy reads them: a delay (order within a direction kept), a
 * loss or a reorder (a TCP stream cannot lose or reorder bytes and stay whole, so either breaks the
 * connection's encryption: what a corrupting middlebox does), one-way and two-way cuts between sets
 * of nodes (bytes held, as TCP holds them through an outage, and released on heal), and resets.
 */
import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { Random } from './random.ts'
import { dialerOf } from './socket-owner.ts'

export interface Faults {
  /** Extra delay per chunk, uniform in [min, max] ms. */
  delayMs?: [number, number]
  /** Probability that a chunk is dropped. */
  loss?: number
  /** Probability that a chunk is held back and sent after the next one. */
  reorder?: number
}

export interface FaultStats {
  connections: number
  dropped: number
  reordered: number
  resets: number
}

export interface FaultNet {
  /** Open the proxy in front of `name`; its port is what the node announces. */
  front(name: string): Promise<number>
  /** Where `name` really listens now, and its process (to know what it dials). */
  attach(name: string, port: number, pid: number): void
  setFaults(faults: Faults): void
  /** Hold every byte that a node of `from` sends to a node of `to`, until `heal()`. */
  cut(from: string[], to: string[]): void
  /** Lift every cut; held bytes flow in order. */
  heal(): void
  /** Destroy every connection through the proxies (a reset seen by both ends). */
  reset(): void
  readonly stats: FaultStats
  close(): Promise<void>
}

interface Pipe { src: string, dst: string, out: Socket, queue: Buffer[], due: number, held?: Buffer, flushing: boolean }

export function faultNet (random: Random): FaultNet {
  const servers = new Map<string, Server>()
  const targets = new Map<string, { port: number, pid: number }>()
  const sockets = new Set<Socket>()
  const pipes = new Set<Pipe>()
  const cuts = new Set<string>()
  let faults: Faults = {}
  const stats: FaultStats = { connections: 0, dropped: 0, reordered: 0, resets: 0 }
  const isCut = (p: Pipe): boolean => cuts.has(`${p.src}>${p.dst}`)

  /** Send what the pipe holds, unless its direction is cut (then it waits for heal). */
  const pump = (p: Pipe): void => {
    if (p.flushing || isCut(p)) return
    p.flushing = true
    while (p.queue.length > 0 && !isCut(p)) {
      let chunk = p.queue.shift() as Buffer
      if (random.next() < (faults.loss ?? 0)) { stats.dropped++; continue }
      if (p.held == null && random.next() < (faults.reorder ?? 0)) { p.held = chunk; stats.reordered++; continue }
      if (p.held != null) { chunk = Buffer.concat([chunk, p.held]); p.held = undefined }
      const [min, max] = faults.delayMs ?? [0, 0]
      const delay = max > 0 ? min + random.next() * (max - min) : 0
      p.due = Math.max(p.due, Date.now() + delay)
      const wait = p.due - Date.now()
      if (wait <= 0) p.out.write(chunk)
      else setTimeout(() => { if (!p.out.destroyed) p.out.write(chunk) }, wait)
    }
    p.flushing = false
  }

  const pipe = (from: Socket, to: Socket, src: string, dst: string): void => {
    const p: Pipe = { src, dst, out: to, queue: [], due: 0, flushing: false }
    pipes.add(p)
    from.on('data', chunk => { p.queue.push(chunk); pump(p) })
    from.on('close', () => { pipes.delete(p) })
  }

  const accept = (name: string, client: Socket): void => {
    const target = targets.get(name)
    if (target == null) { client.destroy(); return }
    stats.connections++
    const pids = new Map([...targets].map(([n, t]) => [t.pid, n]))
    const dialerPid = client.remotePort == null || client.localPort == null ? undefined : dialerOf(client.remotePort, client.localPort, pids.keys())
    // a process that is not one of the nodes (a CLI's throwaway join node) is never cut
    const dialer = dialerPid == null ? `outside:${stats.connections}` : pids.get(dialerPid) as string
    const server = connect({ port: target.port, host: '127.0.0.1', noDelay: true })
    for (const s of [client, server]) {
      sockets.add(s)
      s.on('close', () => { sockets.delete(s); client.destroy(); server.destroy() })
      s.on('error', () => { client.destroy(); server.destroy() })
    }
    pipe(client, server, dialer, name)
    pipe(server, client, name, dialer)
  }

  return {
    async front (name) {
      const server = createServer({ noDelay: true }, client => { accept(name, client) })
      await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
      servers.set(name, server)
      const address = server.address()
      if (address == null || typeof address === 'string') throw new Error('proxy did not bind')
      return address.port
    },
    attach (name, port, pid) { targets.set(name, { port, pid }) },
    setFaults (f) { faults = f },
    cut (from, to) {
      for (const a of from) for (const b of to) cuts.add(`${a}>${b}`)
    },
    heal () {
      cuts.clear()
      for (const p of pipes) pump(p)
    },
    reset () {
      stats.resets += sockets.size
      for (const s of sockets) s.resetAndDestroy()
    },
    stats,
    async close () {
      for (const s of sockets) s.destroy()
      await Promise.all([...servers.values()].map(async server => { await new Promise<void>(resolve => { server.close(() => { resolve() }) }) }))
    }
  }
}

/** A loopback TCP port free now (bound and released), for a node to listen on behind its proxy. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  if (address == null || typeof address === 'string') throw new Error('could not bind a port')
  return address.port
}
