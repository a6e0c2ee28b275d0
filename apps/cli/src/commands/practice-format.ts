/** Text output shared by the practice commands: section changes, proposals, the adoption matrix. */
import { table, truncate } from '../output.ts'
import type { DiffusionView, ProposalView, SectionChangeView } from '../node-api.ts'

/** One line per changed section, and with `diff` its line diff (`+`/`-`/` `). */
export function formatChanges (changes: SectionChangeView[], diff: boolean): string {
  const lines: string[] = []
  for (const change of changes) {
    const renamed = change.headingBefore != null ? ` (was "${change.headingBefore}")` : ''
    lines.push(`  ${change.status.padEnd(9)} ${change.heading}${renamed}`)
    if (!diff) continue
    if (change.diff != null) {
      for (const line of change.diff.lines) lines.push(`      ${line.op === 'added' ? '+' : line.op === 'removed' ? '-' : ' '} ${line.text}`)
    } else {
      for (const line of (change.before ?? '').split('\n').filter(l => l !== '')) lines.push(`      - ${line}`)
      for (const line of (change.after ?? '').split('\n').filter(l => l !== '')) lines.push(`      + ${line}`)
    }
  }
  return lines.join('\n')
}

export function formatProposal (p: ProposalView, diff: boolean): string {
  const from = p.proposerName ?? p.proposer
  const to = p.sourceOwnerName ?? p.sourceOwner
  const head = `${p.direction === 'in' ? 'From' : 'To'} ${p.direction === 'in' ? from : to}: "${p.message}" on ${p.sourceTitle ?? p.source} — ${p.status}`
  const reply = p.reply != null ? `\n  Reply: ${p.reply}` : ''
  return `${head}${reply}\n${formatChanges(p.sections, diff)}`
}

export function formatProposals (proposals: ProposalView[]): string {
  if (proposals.length === 0) return 'No proposals.'
  return table(['ID', 'IN/OUT', 'STATUS', 'FROM', 'DOCUMENT', 'MESSAGE'], proposals.map(p => [
    p.id, p.direction, p.status, truncate(p.proposerName ?? p.proposer, 24), truncate(p.sourceTitle ?? p.source, 32), truncate(p.message, 40)
  ]))
}

/** The adoption matrix: a row per organisation, a column per family. */
export function formatMatrix (view: DiffusionView): string {
  const families = view.families
  const cell = new Map(view.matrix.map(c => [`${c.org} ${c.family}`, c]))
  const rows = view.orgs.map(o => [truncate(o.name, 28), ...families.map(f => {
    const c = cell.get(`${o.org} ${f.id}`)
    return c == null ? '-' : `${c.state} ${c.at.slice(0, 10)}`
  })])
  const lines = [`${view.name} (${view.network})`, families.length === 0 ? 'No adoption states shared with this network yet.' : table(['ORGANISATION', ...families.map(f => truncate(f.title, 30))], rows).trimEnd()]
  const last = view.curve[view.curve.length - 1]
  if (last != null) lines.push(`Trialling, adopted or adapted: ${view.curve.map(p => `${p.month} ${p.total}`).join(', ')}`)
  if (view.quiet.length > 0) lines.push(`Quiet for ${view.quietWeeks} weeks: ${view.quiet.map(q => q.name).join(', ')}`)
  return lines.join('\n')
}
