/**
 * SIGTERM stops a node cleanly even in the middle of a large import: a real node process
 * (`commonplace start`, the CLI's bundle), a megabyte-sized Markdown import over its local API,
 * SIGTERM once the import is being built. The node exits with status 0 (the CLI exits 1 when its
 * stop does not finish within 5 s), and started again it holds every document it acknowledged
 * and nothing half-made (docs/reliability.md, "Event-loop bound").
 */
import { describe, it, expect, afterAll } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeGroup } from '../helpers/node-process.ts'
import type { NodeProc } from '../helpers/node-process.ts'

const group = nodeGroup()
afterAll(async () => { await group.destroyAll() })

async function api (node: NodeProc, method: string, path: string, body?: unknown): Promise<{ status: number, text: string }> {
  const token = readFileSync(join(node.dataDir, 'api-token'), 'utf8').trim()
  const res = await fetch(`${node.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  return { status: res.status, text: await res.text() }
}

/** About `chars` characters of Markdown tables and task lists: the slowest kind to build. */
function tablesAndLists (chars: number): string {
  const table = '| Step | Who | When |\n| - | - | - |\n' + '| Check the **fridge** log | [duty nurse](https://example.nhs.uk/duty) | 08:00 |\n'.repeat(20)
  const list = '- [ ] Isolate the fridge\n  - record *min* and *max*\n- [x] Call the `pharmacy`\n'.repeat(20)
  let markdown = ''
  for (let i = 0; markdown.length < chars; i++) markdown += (i % 2 === 0 ? table : list) + '\n'
  return markdown
}

describe('SIGTERM during a large import', () => {
  it('stops the node cleanly, and it comes back with what it acknowledged and nothing half-made', async () => {
    const [node] = await group.start('Riverside Surgery')
    const kept = await api(node, 'POST', '/api/docs', { title: 'Repeat prescriptions', sections: [{ heading: 'Practice', text: 'Two working days.' }] })
    expect(kept.status).toBe(201)

    const importing = api(node, 'POST', '/api/docs', { markdown: `# Big\n\n## Tables\n\n${tablesAndLists(900_000)}` })
      .then(res => res, (err: Error) => ({ status: 0, text: err.message }))
    // wait until the import is being built (the node's own gauge), then stop the node
    let building = false
    for (let tries = 0; tries < 10_000 && !building; tries++) {
      building = /^commonplace_requests_off_loop 1$/m.test((await api(node, 'GET', '/api/metrics')).text)
    }
    expect(building).toBe(true)
    const exit = await node.stop()
    expect(exit).toEqual({ code: 0, signal: null })
    const answer = await importing
    // the import was not acknowledged: a typed refusal, or the connection closed
    expect(answer.status === 0 || /"code":"ERR_[A-Z_]+"/.test(answer.text), answer.text.slice(0, 200)).toBe(true)
    expect(answer.status).not.toBe(201)

    await node.restart()
    const docs = JSON.parse((await api(node, 'GET', '/api/docs')).text) as Array<{ title: string }>
    expect(docs.map(d => d.title)).toEqual(['Repeat prescriptions'])
    const again = await api(node, 'POST', '/api/docs', { markdown: `# Big\n\n## Tables\n\n${tablesAndLists(100_000)}` })
    expect(again.status).toBe(201)
  }, 120_000)
})
