/** Practice results as the local API's JSON (ISO times, names): docs/practice.md. */
import type { DocId, OrgId } from '@commonplace/core'
import type { FamilyNode as RuleNode, SectionChange } from '@commonplace/practice'
import type { DerivedFrom } from '@commonplace/record'
import type { DerivedFromView, FamilyNode, SectionChangeView } from '@commonplace/api'
import type { PracticeContext } from './context.ts'
import { iso, nameOf } from './context.ts'

export function sectionChangeView (change: SectionChange): SectionChangeView {
  return {
    id: change.id,
    heading: change.heading,
    ...(change.headingBefore !== undefined ? { headingBefore: change.headingBefore } : {}),
    status: change.status,
    ...(change.before !== undefined ? { before: change.before } : {}),
    ...(change.after !== undefined ? { after: change.after } : {}),
    ...(change.diff !== undefined ? { diff: { lines: change.diff.lines, replaced: change.diff.replaced } } : {})
  }
}

export function familyNodeView (ctx: PracticeContext, node: RuleNode): FamilyNode {
  const name = nameOf(ctx, node.org).orgName
  return {
    id: node.id as DocId,
    ...(node.title !== undefined ? { title: node.title } : {}),
    org: node.org as OrgId,
    ...(name !== undefined ? { orgName: name } : {}),
    held: node.held,
    ...(node.at !== undefined ? { at: iso(node.at) } : {}),
    ...(node.why !== undefined ? { why: node.why } : {}),
    ...(node.reasons !== undefined ? { reasons: node.reasons } : {}),
    children: node.children.map(child => familyNodeView(ctx, child))
  }
}

export function derivedFromView (ctx: PracticeContext, from: DerivedFrom): DerivedFromView {
  const held = ctx.store.has(from.doc)
  const name = nameOf(ctx, from.org).orgName
  return {
    doc: from.doc,
    version: from.version,
    org: from.org,
    ...(name !== undefined ? { orgName: name } : {}),
    ...(held ? { title: ctx.store.info(from.doc)?.title ?? '' } : {}),
    held
  }
}
