/**
 * Which process opened the far end of a loopback TCP connection: the fault proxy needs to know
 * which node dialled it (a partition cuts some pairs of nodes and not others), and a node dials from
 * an ephemeral port. Linux only: the socket's inode from /proc/net/tcp, then the process among
 * `pids` that holds a descriptor on it.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** `127.0.0.1:port` as /proc/net/tcp writes it (address in little-endian hex). */
function procAddress (port: number): string {
  return `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`
}

/** The inode of the socket whose local port is `localPort` and remote port `remotePort`. */
function socketInode (localPort: number, remotePort: number): string | undefined {
  const local = procAddress(localPort)
  const remote = procAddress(remotePort)
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const cols = line.trim().split(/\s+/)
    if (cols[1] === local && cols[2] === remote) return cols[9]
  }
  return undefined
}

/**
 * The pid, among `pids`, whose socket is the other end of a connection accepted on loopback port
 * `acceptedOn` from port `fromPort`; undefined when none of them holds it.
 */
export function dialerOf (fromPort: number, acceptedOn: number, pids: Iterable<number>): number | undefined {
  const inode = socketInode(fromPort, acceptedOn)
  if (inode == null) return undefined
  const link = `socket:[${inode}]`
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue // the process is gone
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return pid
      } catch {
        // closed between the listing and the read
      }
    }
  }
  return undefined
}
