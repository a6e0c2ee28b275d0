/**
 * `demo`: a small learning network on this machine (docs/practice.md): the three practices and
 * the PCN facilitator of ../shared/DOMAIN.md, each a node in this process with its own data folder,
 * with documents, an adaptation with its reasons, an upstream change, a proposal and adoption
 * states. Prints a login link per organisation; Ctrl+C stops them all.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { CommandContext, CommandSpec } from '../command.ts'
import type { RunningNode } from '../node-api.ts'
import type { SetAdoptionRequest } from '@commonplace/api'
import { DEMO_NETWORK, DEMO_ORGS, BLOOD_RESULTS, FRIDGE_BREACH, HILLVIEW_MONDAYS, REPEAT_PRESCRIPTIONS, RIVERSIDE_EVENINGS } from './demo-data.ts'
import type { DemoOrg } from './demo-data.ts'
import { STOP_DEADLINE_MS, exitIfHeldOpen, loadNode, stopRequest, stopWithin } from './node.ts'

/** The first TCP port of the demo's nodes (the local APIs are 10 above). */
const BASE_PORT = 7450
/** About a month (ms): the demo's adoption changes are dated this many before now. */
const MONTH_MS = 30 * 24 * 3600 * 1000
/** Longest wait for the network to settle while seeding (ms): four nodes on a busy two-core machine need minutes. */
const SETTLE_MS = 150_000

type Nodes = Record<DemoOrg['key'], RunningNode>

export const demoCommand: CommandSpec = {
  name: 'demo',
  args: [],
  options: [],
  usage: 'demo [--data DIR]',
  summary: 'Start a small learning network on this machine (three practices and a facilitator) and print login links',
  details: [
    '--data DIR   where the four organisations keep their data (default ~/.commonplace-demo);',
    '             a second run starts the same network again without seeding it twice',
    `The nodes listen on 127.0.0.1, TCP ${BASE_PORT}-${BASE_PORT + 3}, local APIs ${BASE_PORT + 10}-${BASE_PORT + 13}.`
  ],
  examples: ['commonplace demo', 'commonplace demo --data ./demo'],
  async run (ctx) {
    const root = ctx.options.data != null ? ctx.dataDir : join(ctx.io.env.HOME ?? homedir(), '.commonplace-demo')
    await mkdir(root, { recursive: true, mode: 0o700 })
    const module = await loadNode(ctx.deps.loadNode)
    const nodes = {} as Nodes
    const stop = stopRequest(ctx)
    try {
      for (const org of DEMO_ORGS) {
        const node = await module.createNode({
          dataDir: join(root, org.key),
          name: org.name,
          listen: [`/ip4/127.0.0.1/tcp/${BASE_PORT + org.offset}`],
          http: { host: '127.0.0.1', port: BASE_PORT + 10 + org.offset },
          mdns: false
        })
        nodes[org.key] = node
        await node.start()
      }
      const marker = join(root, 'demo.json')
      const network = existsSync(marker) ? (JSON.parse(await readFile(marker, 'utf8')) as { network: string }).network : await seed(ctx, nodes)
      if (!existsSync(marker)) await writeFile(marker, JSON.stringify({ network }) + '\n')
      printLinks(ctx, nodes, network, root)
      ctx.out.note('Press Ctrl+C to stop all four.')
      const reason = await stop.requested
      ctx.out.note(`Stopping (${reason})…`)
    } finally {
      stop.dispose()
      await Promise.all(Object.values(nodes).map(async node => await stopWithin(node, STOP_DEADLINE_MS).catch(() => false)))
      exitIfHeldOpen(ctx, STOP_DEADLINE_MS)
    }
  }
}

/** Build the network and its content; returns the network id. */
async function seed (ctx: CommandContext, nodes: Nodes): Promise<string> {
  const { riverside, hillview, canal, pcn } = nodes
  ctx.out.note('Seeding the demo network…')
  const network = (await pcn.api.createNetwork({ name: DEMO_NETWORK })).id
  for (const node of [riverside, hillview, canal]) await node.api.join((await pcn.api.invite(network, {})).code)
  await settle(nodes, async () => (await Promise.all([riverside, hillview, canal, pcn].map(async n => (await n.api.members(network)).length))).every(n => n === 4), 'every roster lists four members')

  const blood = await riverside.api.createDoc({ markdown: BLOOD_RESULTS })
  const repeat = await hillview.api.createDoc({ markdown: REPEAT_PRESCRIPTIONS })
  const fridge = await canal.api.createDoc({ markdown: FRIDGE_BREACH })
  for (const [node, doc] of [[riverside, blood], [hillview, repeat], [canal, fridge]] as const) await node.api.share(doc.id, { with: network, role: 'read' })
  await pcn.api.createTopic(network, { title: 'Care navigation scripts for reception', brief: 'What do your receptionists say, and what works? Attach your scripts.' })
  await settle(nodes, async () => (await hillview.api.listDocs()).some(d => d.id === blood.id && d.title !== ''), "Hillview holds Riverside's protocol")

  const variant = await hillview.api.adapt(blood.id, {
    why: 'Two duty doctors on Mondays: after the weekend one doctor cannot clear the inbox by 4 pm.', reasons: ['staffing', 'local-context'],
    title: 'Handling abnormal blood results: who acts, by when (Hillview)'
  })
  await hillview.api.editDoc(variant.id, { append: { section: 'Practice', text: HILLVIEW_MONDAYS } })
  await hillview.api.share(variant.id, { with: network, role: 'read' })
  await riverside.api.editDoc(blood.id, { append: { section: 'Practice', text: RIVERSIDE_EVENINGS } })
  await settle(nodes, async () => (await hillview.api.upstream(variant.id)).changed, 'Hillview sees the upstream change')
  await hillview.api.propose(variant.id, { message: 'Mondays need two duty doctors: this worked for us for a term.', sections: ['Practice'] })

  // the states over the past half year, so that the diffusion curve shows the practices spreading
  const states: Array<[RunningNode, string, SetAdoptionRequest['state'], number, string?]> = [
    [riverside, blood.id, 'trialling', 6], [riverside, blood.id, 'adopted', 5, 'Our own protocol'],
    [hillview, blood.id, 'aware', 5], [hillview, blood.id, 'trialling', 4], [hillview, blood.id, 'adapted', 3, 'Mondays covered since the start of term'],
    [hillview, repeat.id, 'trialling', 4], [hillview, repeat.id, 'adopted', 2],
    [canal, blood.id, 'considering', 2], [canal, blood.id, 'trialling', 1, 'Trial until the end of the quarter'],
    [canal, repeat.id, 'considering', 1], [riverside, fridge.id, 'aware', 0.5]
  ]
  // an organisation records a state of a practice it holds: wait until each holds the ones it rates
  await settle(nodes, async () => {
    for (const [node, doc] of states) if (!(await node.api.listDocs()).some(d => d.id === doc && d.title !== '')) return false
    return true
  }, 'every practice reaches the organisations that rate it')
  for (const [node, doc, state, months, note] of states) {
    await node.api.setAdoption({ doc, state, networks: [network], at: new Date(Date.now() - months * MONTH_MS).toISOString(), ...(note !== undefined ? { note } : {}) })
  }
  await settle(nodes, async () => (await pcn.api.diffusion(network)).matrix.length >= 5, 'the facilitator sees the adoption states')
  return network
}

/** Resolve once `check` holds, re-checking on every event of the nodes; fail after SETTLE_MS. */
async function settle (nodes: Nodes, check: () => Promise<boolean>, what: string): Promise<void> {
  if (await check().catch(() => false)) return
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  let running = false
  let again = false
  const probe = (): void => {
    if (running) { again = true; return }
    running = true
    check().catch(() => false).then(ok => {
      running = false
      if (ok) resolve()
      else if (again) { again = false; probe() }
    }, reject)
  }
  const offs = Object.values(nodes).map(node => node.events?.(() => { probe() }) ?? (() => {}))
  const timer = setTimeout(() => { reject(new Error(`The demo network did not settle: waited for ${what}`)) }, SETTLE_MS)
  try {
    await promise
  } finally {
    clearTimeout(timer)
    offs.forEach(off => { off() })
  }
}

function printLinks (ctx: CommandContext, nodes: Nodes, network: string, root: string): void {
  const rows = DEMO_ORGS.map(org => ({ org: org.name, api: nodes[org.key].apiUrl, login: nodes[org.key].loginLink?.() }))
  ctx.out.result({ network, dataDir: root, organisations: rows }, () => [
    `Demo learning network "${DEMO_NETWORK}" (${network}) running; data in ${root}`,
    ...rows.map(r => `  ${r.org.padEnd(28)} ${r.login ?? r.api}`),
    '',
    `Open Hillview's link for its variant, the upstream change and its proposal; Riverside's for the proposal inbox;`,
    'the PCN\'s for the diffusion view. Each link works once, for 15 minutes.',
    `From another terminal: commonplace adoption show ${network} --data ${join(root, 'pcn')}`
  ].join('\n'))
}
