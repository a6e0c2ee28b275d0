import { fileURLToPath } from 'node:url'
import { describe, it, expect } from 'vitest'
import { AddressInUseError } from '@commonplace/core'
import { ORG, fakeApi, run } from './helpers.ts'
import type { CreateNodeOptions, InitNodeOptions, NodeModule, RunningNode } from '../src/index.ts'

/** `start` hands the node the web app's build, apps/web/dist of this checkout. */
const WEB = { root: fileURLToPath(new URL('../../web/dist', import.meta.url)) }

/** A stand-in for '@commonplace/node' that records what the CLI asked for. */
function fakeNodeModule (options: { failStart?: Error } = {}): NodeModule & { log: string[], inits: InitNodeOptions[], creates: CreateNodeOptions[] } {
  const log: string[] = []
  const inits: InitNodeOptions[] = []
  const creates: CreateNodeOptions[] = []
  return {
    log,
    inits,
    creates,
    async initNode (init) {
      inits.push(init)
      return { orgId: ORG, name: init.name ?? 'Riverside', created: true }
    },
    async createNode (init) {
      creates.push(init)
      const node: RunningNode = {
        orgId: ORG,
        name: init.name ?? 'Riverside',
        api: fakeApi(),
        apiUrl: 'http://127.0.0.1:7420',
        listenAddresses: () => ['/ip4/127.0.0.1/tcp/7421/p2p/' + ORG],
        async start () {
          log.push('start')
          if (options.failStart != null) throw options.failStart
        },
        async stop () { log.push('stop') }
      }
      return node
    }
  }
}

describe('init', () => {
  it('creates the identity in the data folder and prints org id and name', async () => {
    const node = fakeNodeModule()
    const result = await run(['init', '--name', 'Riverside Clinic', '--data', 'data'], { cwd: '/srv', deps: { loadNode: async () => node } })
    expect(result.code).toBe(0)
    expect(node.inits).toEqual([{ dataDir: '/srv/data', name: 'Riverside Clinic' }])
    expect(result.stdout).toBe(`Created a new organisation in /srv/data\nOrganisation: ${ORG}\nName: Riverside Clinic\n`)
  })

  it('passes no name when none is given, and prints JSON with --json', async () => {
    const node = fakeNodeModule()
    const result = await run(['init', '--json'], { env: { COMMONPLACE_DATA: '/var/cp' }, deps: { loadNode: async () => node } })
    expect(node.inits).toEqual([{ dataDir: '/var/cp' }])
    expect(result.json).toEqual({ orgId: ORG, name: 'Riverside', created: true, dataDir: '/var/cp' })
  })
})

describe('start', () => {
  it('passes only the options given, prints the node, runs until stopped, then stops cleanly', async () => {
    const node = fakeNodeModule()
    const controller = new AbortController()
    const running = run(['start', '--data', '/d', '--listen', '/ip4/0.0.0.0/tcp/9000', '--listen', '/ip4/0.0.0.0/tcp/9001/ws', '--http', '127.0.0.1:9100', '--name', 'R'],
      { signal: controller.signal, deps: { loadNode: async () => node } })
    await expect.poll(() => node.log).toEqual(['start'])
    controller.abort()
    const result = await running
    expect(result.code).toBe(0)
    expect(node.log).toEqual(['start', 'stop'])
    expect(node.creates).toEqual([{ dataDir: '/d', web: WEB, name: 'R', listen: ['/ip4/0.0.0.0/tcp/9000', '/ip4/0.0.0.0/tcp/9001/ws'], http: { host: '127.0.0.1', port: 9100 } }])
    expect(result.stdout).toBe([
      'Commonplace node running',
      `Organisation: ${ORG}`,
      'Name: R',
      'Listening on:',
      `  /ip4/127.0.0.1/tcp/7421/p2p/${ORG}`,
      'Local API: http://127.0.0.1:7420',
      ''
    ].join('\n'))
    expect(result.stderr).toContain('Press Ctrl+C to stop.')
    expect(result.stderr).toContain('Stopped.')
  })

  it('leaves defaults to the node and prints one JSON object with --json', async () => {
    const node = fakeNodeModule()
    const controller = new AbortController()
    controller.abort()
    const result = await run(['start', '--data', '/d', '--json'], { signal: controller.signal, deps: { loadNode: async () => node } })
    expect(node.creates).toEqual([{ dataDir: '/d', web: WEB }])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.json).toEqual({ orgId: ORG, name: 'Riverside', listen: [`/ip4/127.0.0.1/tcp/7421/p2p/${ORG}`], api: 'http://127.0.0.1:7420', dataDir: '/d' })
  })

  it('asks for a relay and no mDNS with --relay and --no-mdns', async () => {
    const node = fakeNodeModule()
    const controller = new AbortController()
    controller.abort()
    const result = await run(['start', '--data', '/d', '--relay', '--no-mdns', '--json'], { signal: controller.signal, deps: { loadNode: async () => node } })
    expect(result.code).toBe(0)
    expect(node.creates).toEqual([{ dataDir: '/d', web: WEB, relay: true, mdns: false }])
  })

  it('stops on SIGTERM when no signal is given', async () => {
    const node = fakeNodeModule()
    const before = process.listenerCount('SIGTERM')
    const beforeInt = process.listenerCount('SIGINT')
    const running = run(['start', '--data', '/d'], { deps: { loadNode: async () => node } })
    await expect.poll(() => node.log).toEqual(['start'])
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    process.emit('SIGTERM', 'SIGTERM')
    const result = await running
    expect(result.code).toBe(0)
    expect(node.log).toEqual(['start', 'stop'])
    expect(process.listenerCount('SIGTERM')).toBe(before)
    expect(process.listenerCount('SIGINT')).toBe(beforeInt)
  })

  it('reports a start failure in one line, cleans up and exits 1', async () => {
    const node = fakeNodeModule({ failStart: new AddressInUseError('The local API address 127.0.0.1:7420 is already in use') })
    const before = process.listenerCount('SIGINT')
    const result = await run(['start', '--data', '/d'], { deps: { loadNode: async () => node } })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('commonplace: The local API address 127.0.0.1:7420 is already in use\n')
    expect(node.log).toEqual(['start', 'stop'])
    expect(process.listenerCount('SIGINT')).toBe(before)
  })
})
