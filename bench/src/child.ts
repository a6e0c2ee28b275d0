import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

/**
 * A benchmark peer in its own process, spoken to over IPC: `ask(message)` sends one request and
 * resolves with the next reply (replies come in order). A reply with `error` rejects.
 */
export interface ChildPeer {
  pid: number
  ask<T = Record<string, any>>(message: Record<string, unknown>): Promise<T>
  /** Send a message that has no reply. */
  post(message: Record<string, unknown>): void
  /** Ask it to stop, and wait for the process to exit. */
  stop(): Promise<void>
}

/**
 * Fork `script` as a peer. A message from it with an `event` field is not a reply: it goes to
 * `onEvent` (a peer reporting something as it happens).
 */
export async function forkPeer (
  script: string,
  execArgv: string[] = ['--expose-gc', ...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? [])],
  onEvent?: (message: Record<string, any>) => void
): Promise<ChildPeer> {
  const child: ChildProcess = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting: Array<{ resolve: (v: any) => void, reject: (e: Error) => void }> = []
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  child.on('message', (msg: any) => {
    if (msg?.event != null) {
      onEvent?.(msg)
      return
    }
    const next = waiting.shift()
    if (next == null) return
    if (msg?.error != null) next.reject(new Error(String(msg.error)))
    else next.resolve(msg)
  })
  child.once('exit', code => {
    for (const w of waiting.splice(0)) w.reject(new Error(`peer process exited (${code})`))
  })
  if (child.pid == null) throw new Error('could not start the peer process')
  return {
    pid: child.pid,
    async ask (message) {
      const reply = new Promise<any>((resolve, reject) => { waiting.push({ resolve, reject }) })
      child.send(message)
      return await reply
    },
    post (message) {
      child.send(message)
    },
    async stop () {
      if (child.exitCode == null) child.send({ cmd: 'stop' })
      await exited
    }
  }
}
