/** Comparing what several nodes hold, through their CLIs. */
import { expect } from 'vitest'
import { listDocs, sharedContent, showDoc } from './cli.ts'
import type { DocJson, DocSummaryJson } from './cli.ts'
import { eventually } from './eventually.ts'
import type { NodeProc } from './node-process.ts'

/**
 * Wait until every node holds the document with the same content and grants; returns it as the
 * first node shows it.
 */
export async function convergedDoc (nodes: NodeProc[], id: string, what: string): Promise<DocJson> {
  return await eventually(async () => {
    const docs = await Promise.all(nodes.map(async node => await showDoc(node.dataDir, id)))
    const [first, ...others] = docs.map(sharedContent)
    others.forEach((other, i) => { expect(other, `${nodes[i + 1].name} vs ${nodes[0].name}`).toEqual(first) })
    return docs[0]
  }, { what })
}

export interface Holdings {
  /** `doc list --json`, sorted by id. */
  list: DocSummaryJson[]
  /** `doc show --format json` of each listed document, sorted by id. */
  docs: DocJson[]
}

/**
 * Everything a node holds, as its CLI shows it, less how delivery stands (the state of this run's
 * connections, not of what is held).
 */
export async function holdings (node: NodeProc): Promise<Holdings> {
  const list = (await listDocs(node.dataDir)).sort((x, y) => x.id.localeCompare(y.id))
  const docs = await Promise.all(list.map(async d => await showDoc(node.dataDir, d.id)))
  return { list, docs: docs.map(doc => ({ ...doc, grants: doc.grants.map(({ delivery: _delivery, ...grant }: DocJson['grants'][number] & { delivery?: unknown }) => grant) })) }
}

/** All the text of a document's sections, for "contains" checks. */
export function sectionText (doc: DocJson): string {
  return doc.sections.map(s => `${s.heading}\n${s.markdown}`).join('\n\n')
}
