/**
 * A practice's family as a tree: the source it was adapted from (and that one's source), and
 * the variants adapted from it, each with its organisation, when and why. Nested lists, so that a
 * screen reader says how deep each one sits ("list, 2 items, level 2").
 */
import type { FamilyNode } from '../practice-api.ts'
import { reasonsText } from '../practice-api.ts'
import { nameOf } from '../names.ts'
import { whenText } from '../when.ts'

interface Props {
  root: FamilyNode
  /** The document the page is about: marked "this document". */
  current?: string
  /** The list's accessible name. */
  label: string
}

/** The tree under `root`, every variant this node holds. */
export function FamilyTree ({ root, current, label }: Props) {
  return <ul class="family" aria-label={label}><FamilyItem node={root} current={current} /></ul>
}

function FamilyItem ({ node, current }: { node: FamilyNode, current?: string }) {
  const here = node.id === current
  const org = node.orgName ?? nameOf(node.org)
  const title = node.title !== undefined && node.title !== '' ? node.title : 'Untitled'
  return (
    <li>
      <div class={`family-node${here ? ' current' : ''}`}>
        {node.held
          // variants often keep their source's title: the organisation in the name tells the links apart
          ? <a href={`#/doc/${encodeURIComponent(node.id)}`} aria-current={here ? 'page' : undefined} aria-label={`${title} (${org})`}>{title}</a>
          : <span>A document this node does not hold</span>}
        {here && <span class="badge">this document</span>}
        <span class="meta"> · {org}{node.at != null ? ` · ${whenText(node.at)}` : ''}</span>
        {(node.why != null || (node.reasons?.length ?? 0) > 0) && (
          <p class="why">
            {(node.reasons?.length ?? 0) > 0 && <><span class="reasons">{reasonsText(node.reasons)}</span>{node.why != null && ': '}</>}
            {node.why}
          </p>
        )}
      </div>
      {node.children.length > 0 && <ul>{node.children.map(c => <FamilyItem key={c.id} node={c} current={current} />)}</ul>}
    </li>
  )
}

/** How many documents the tree holds, itself included. */
export function familySize (node: FamilyNode): number {
  let n = 0
  const stack = [node]
  // an explicit stack: a family is at most 64 deep, but a wide one has many children
  while (stack.length > 0) {
    const next = stack.pop()!
    n++
    stack.push(...next.children)
  }
  return n
}
