/**
 * `commonplace demo --data DIR` as a newcomer runs it, a real process: it starts the four nodes of
 * the demo network, seeds it, prints a login link per organisation, and stops on Ctrl+C (SIGINT).
 * While it runs, the facilitator's diffusion view (read by a second CLI process) has adoption
 * changes spread over several past months, so its curve shows a practice spreading.
 */
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { CLI_BIN, cliOk } from '../helpers/cli.ts'
import { tempDataDir } from '../helpers/data-folder.ts'
import { collect, exitedWithin, killAllChildren, spawnNode } from '../helpers/processes.ts'

/** Starting four nodes and seeding them on a shared two-core machine takes a while. */
const START_MS = 200_000
const STOP_MS = 60_000
const LOGIN_LINK = /http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+/g

/** Resolves with the output once `pattern` has matched `count` times; rejects if the child exits first. */
async function outputMatching (child: ChildProcess, pattern: RegExp, count: number): Promise<string> {
  let text = ''
  return await new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      text += chunk
      if ((text.match(pattern) ?? []).length >= count) resolve(text)
    })
    child.once('exit', code => { reject(new Error(`the demo exited (${code}) before printing its links:\n${text}`)) })
  })
}

interface DiffusionJson { curve: Array<{ month: string, total: number }>, matrix: Array<{ state: string, at: string }> }

describe('commonplace demo', { timeout: START_MS + STOP_MS }, () => {
  afterAll(killAllChildren)

  it('starts the demo network, prints login links, spreads adoption over past months, and stops on SIGINT', async () => {
    const dir = tempDataDir('demo')
    const child = spawnNode([CLI_BIN, 'demo', '--data', dir])
    const stderr = collect(child.stderr, 4000)
    const out = await Promise.race([
      outputMatching(child, LOGIN_LINK, 4).catch(err => { throw new Error(`${(err as Error).message}\n${stderr.text()}`) }),
      new Promise<never>((_resolve, reject) => { setTimeout(() => { reject(new Error(`no login links within ${START_MS / 1000} s\n${stderr.text()}`)) }, START_MS - 10_000).unref() })
    ])
    expect(out).toContain('Hillview Medical Practice')
    const network = /\((net_[^)\s]+)\)/.exec(out)?.[1]
    expect(network).toBeDefined()

    const view = await cliOk<DiffusionJson>(join(dir, 'pcn'), ['adoption', 'show', network as string])
    const months = new Set(view.matrix.map(c => c.at.slice(0, 7)))
    expect(months.size).toBeGreaterThanOrEqual(3)
    const totals = view.curve.map(p => p.total)
    expect(totals.length).toBeGreaterThanOrEqual(6)
    expect(totals[0]).toBeLessThan(totals[totals.length - 1])

    child.kill('SIGINT')
    expect(await exitedWithin(child, STOP_MS, 'the demo')).toEqual({ code: 0, signal: null })
  })
})
