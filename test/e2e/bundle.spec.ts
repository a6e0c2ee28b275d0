/**
 * The node as `npm start` runs it (apps/cli/dist, built by `npm test` before the tests): how it
 * is cut into chunks and which of Node's modules it loads (apps/cli/bundle-options.mjs and
 * builtins-plugin.mjs; the memory each choice saves is in docs/benchmarks.md).
 */
import { describe, it, expect, afterEach } from 'vitest'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CLI_BUNDLE } from '../helpers/cli.ts'
import { tempDataDir } from '../helpers/data-folder.ts'
import { collect, exited, killAndWait, spawnNode } from '../helpers/processes.ts'
import type { ChildProcess } from 'node:child_process'

const DIST = dirname(CLI_BUNDLE)
const dirs: string[] = []
const children: ChildProcess[] = []

afterEach(async () => {
  await Promise.all(children.splice(0).map(async c => { await killAndWait(c) }))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** Resolve once the child has printed `text` on stdout (`out`: what it printed so far). */
async function printed (child: ChildProcess, text: string, out: () => string): Promise<void> {
  if (out().includes(text)) return
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => { if (out().includes(text)) { child.stdout?.off('data', onData); resolve() } }
    child.stdout?.on('data', onData)
    child.once('exit', code => { reject(new Error(`exited (${code}) before printing ${text}`)) })
  })
}

describe('the bundle npm start runs', () => {
  it('is cut into chunks of at most 1 MB, and imports no costly built-in facade as an ES module', () => {
    const chunks = readdirSync(DIST).filter(f => f.endsWith('.mjs'))
    expect(chunks.length).toBeGreaterThan(2)
    for (const file of chunks) {
      expect(statSync(join(DIST, file)).size, file).toBeLessThanOrEqual(1_000_000)
      const source = readFileSync(join(DIST, file), 'utf8')
      expect(source, file).not.toMatch(/from\s*["'`]node:(http|fs|util|process)["'`]/)
    }
  })

  it('starts a node that loads neither undici nor http2', async () => {
    const dataDir = tempDataDir('bundle')
    dirs.push(dataDir)
    const preload = join(dataDir, 'modules-at-exit.mjs')
    writeFileSync(preload, "process.on('exit', () => { process.stderr.write('MODULES ' + JSON.stringify(process.moduleLoadList) + '\\n') })\n")
    const child = spawnNode(['--import', pathToFileURL(preload).href, CLI_BUNDLE, 'start', '--data', join(dataDir, 'node'),
      '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--name', 'Riverside Surgery'])
    children.push(child)
    const stdout = collect(child.stdout)
    const stderr = collect(child.stderr)
    await printed(child, 'Commonplace node running', stdout.text)
    child.kill('SIGTERM')
    expect((await exited(child)).code).toBe(0)
    const line = stderr.text().split('\n').find(l => l.startsWith('MODULES '))
    expect(line, stderr.text()).toBeDefined()
    const modules = JSON.parse(line!.slice('MODULES '.length)) as string[]
    expect(modules).toContain('NativeModule http') // the local API is served
    expect(modules.filter(m => /undici|http2/.test(m))).toEqual([])
  })
})
