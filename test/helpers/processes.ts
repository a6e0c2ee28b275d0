/**
 * Child processes started by the end-to-end tests. Every child is tracked from spawn to exit so
 * that a suite's afterAll can end whatever is still running, even when a test failed or timed out.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

const live = new Set<ChildProcess>()

/** The environment for children: ours, without anything that would change how Node runs them. */
export function childEnv (): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.COMMONPLACE_DATA
  delete env.DEBUG
  return env
}

/** Spawn `process.execPath` (Node 24) with `args`, tracked until it exits. */
export function spawnNode (args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(process.execPath, args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...options })
  live.add(child)
  child.once('exit', () => { live.delete(child) })
  // a spawn failure would otherwise be an unhandled 'error' event
  child.once('error', () => { live.delete(child) })
  return child
}

/** True while the process has neither exited nor been ended by a signal. */
export function isRunning (child: ChildProcess): boolean {
  return child.exitCode == null && child.signalCode == null
}

/** Resolves on the child's 'exit' event (at once if it has exited already). */
export async function exited (child: ChildProcess): Promise<ExitInfo> {
  if (!isRunning(child)) return { code: child.exitCode, signal: child.signalCode }
  return await new Promise(resolve => {
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
}

/** Resolves on the child's 'close' event: it has exited and its stdout and stderr are complete. */
export async function closed (child: ChildProcess): Promise<ExitInfo> {
  if (!isRunning(child) && (child.stdout == null || child.stdout.readableEnded) && (child.stderr == null || child.stderr.readableEnded)) {
    return { code: child.exitCode, signal: child.signalCode }
  }
  return await new Promise(resolve => {
    child.once('close', (code, signal) => { resolve({ code, signal }) })
  })
}

/**
 * Resolves on 'exit' (or with `until: 'close'`, once the output is complete too), or rejects once
 * `timeoutMs` has passed (the child is then left running; the caller decides what to do with it).
 */
export async function exitedWithin (child: ChildProcess, timeoutMs: number, what: string, until: 'exit' | 'close' = 'exit'): Promise<ExitInfo> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what} did not exit within ${timeoutMs / 1000} s`)) }, timeoutMs)
  })
  try {
    return await Promise.race([until === 'exit' ? exited(child) : closed(child), deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** SIGKILL the child (if it still runs) and wait for its 'exit'. */
export async function killAndWait (child: ChildProcess): Promise<ExitInfo> {
  if (isRunning(child)) child.kill('SIGKILL')
  return await exited(child)
}

/** SIGKILL every tracked child that is still running and wait until all have exited. */
export async function killAllChildren (): Promise<void> {
  await Promise.all([...live].map(async child => { await killAndWait(child) }))
}

/** Collects a stream's text; keeps only the last `limit` characters (for error messages). */
export function collect (stream: NodeJS.ReadableStream | null | undefined, limit = Infinity): { text: () => string } {
  let text = ''
  stream?.setEncoding('utf8')
  stream?.on('data', (chunk: string) => {
    text += chunk
    if (text.length > limit) text = text.slice(-limit)
  })
  return { text: () => text }
}
