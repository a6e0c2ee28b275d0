/**
 * `commonplace start` as a process: SIGTERM and SIGINT stop it cleanly (exit 0, its node info
 * file removed), also while requests are being answered, and when something the stop does not
 * close would keep the process running.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
const dirs: string[] = []
const children: ChildProcess[] = []

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Start a node process and resolve once `start --json` printed its ready line. */
async function startNode (nodeArgs: string[] = []): Promise<{ child: ChildProcess, dataDir: string, api: string, exit: Promise<[number | null, string | null]>, stderr: () => string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cp-signals-'))
  dirs.push(dataDir)
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'start', '--json', '--name', 'Riverside Surgery', '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--no-mdns'], {
    env: { ...process.env, COMMONPLACE_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.push(child)
  const exit = once(child, 'exit') as Promise<[number | null, string | null]>
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  let stdout = ''
  const ready = new Promise<{ api: string }>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      // the ready JSON may come in several chunks: it is complete once it parses
      try { resolve(JSON.parse(stdout) as { api: string }) } catch { /* more to come */ }
    })
    exit.then(([code]) => { reject(new Error(`the node exited with ${String(code)} before it was ready`)) }, reject)
  })
  const { api } = await ready
  return { child, dataDir, api, exit, stderr: () => stderr }
}

describe('commonplace start and signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops cleanly on ${signal}: exit 0 and the node info file removed`, async () => {
      const { child, dataDir, exit } = await startNode()
      expect(existsSync(join(dataDir, 'node.json'))).toBe(true)
      child.kill(signal)
      const [code] = await exit
      expect(code).toBe(0)
      expect(existsSync(join(dataDir, 'node.json'))).toBe(false)
    })
  }

  it('stops cleanly on SIGTERM while requests are being answered', async () => {
    const { child, dataDir, api, exit } = await startNode()
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim()
    const create = async (i: number): Promise<unknown> => await fetch(`${api}/api/docs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Handover checklist ${i}`, sections: [{ heading: 'Steps', text: 'Read back the medication list. '.repeat(200) }] })
    }).then(async res => await res.text(), () => undefined)
    // the first answer shows the node is busy with the rest
    const requests = Array.from({ length: 40 }, async (_, i) => await create(i))
    await requests[0]
    child.kill('SIGTERM')
    const [code] = await exit
    await Promise.all(requests)
    expect(code).toBe(0)
    expect(existsSync(join(dataDir, 'node.json'))).toBe(false)
  })

  it('exits on SIGTERM when something the stop does not close holds the process open, and says what', async () => {
    // a timer of the process's own, started before the CLI, that nothing will clear
    const { child, dataDir, exit, stderr } = await startNode(['--import', 'data:text/javascript,setInterval(() => {}, 60000)'])
    child.kill('SIGTERM')
    const [code] = await exit
    expect(code).toBe(0)
    expect(existsSync(join(dataDir, 'node.json'))).toBe(false)
    expect(stderr()).toMatch(/^commonplace: still running 5 s after the stop, held by: .*Timeout.*; exiting\.\n$/)
  })
})
