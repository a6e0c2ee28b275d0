/** `proposal …` and `adoption …`: the inbox of proposals, adoption states and the matrix (docs/practice.md). */
import { parseChoice, parsePastDate, parsePositiveInteger } from '../args.ts'
import { UsageError } from '../errors.ts'
import type { CommandSpec } from '../command.ts'
import type { AdoptionStateName, AdoptionView } from '../node-api.ts'
import { formatMatrix, formatProposal, formatProposals } from './practice-format.ts'

const STATES: readonly AdoptionStateName[] = ['aware', 'considering', 'trialling', 'adopted', 'adapted', 'discontinued']

export const proposalListCommand: CommandSpec = {
  name: 'proposal list',
  args: [],
  restArgs: 'DOC',
  options: [],
  usage: 'proposal list [DOC]',
  summary: 'List proposals to and from this organisation (of one document: its source or variant)',
  examples: ['commonplace proposal list', 'commonplace proposal list 3xkq…'],
  async run ({ client, out, args }) {
    if (args.length > 1) throw new UsageError("'proposal list' takes at most one DOC", 'proposal list')
    const proposals = await (await client()).proposals(args[0])
    out.result(proposals, () => formatProposals(proposals))
  }
}

export const proposalShowCommand: CommandSpec = {
  name: 'proposal show',
  args: ['PROPOSAL'],
  options: [],
  usage: 'proposal show PROPOSAL',
  summary: "Preview a proposal as a diff against the source's current text",
  examples: ['commonplace proposal show 5m3p…'],
  async run ({ client, out, args: [id] }) {
    const proposal = await (await client()).proposal(id)
    out.result(proposal, () => formatProposal(proposal, true))
  }
}

function decideCommand (decision: 'accept' | 'decline'): CommandSpec {
  return {
    name: `proposal ${decision}`,
    args: ['PROPOSAL'],
    options: ['reply'],
    usage: `proposal ${decision} PROPOSAL [--reply TEXT]`,
    summary: decision === 'accept' ? 'Accept a proposal: its text goes into your document' : 'Decline a proposal, with a reply',
    examples: [`commonplace proposal ${decision} 5m3p… --reply "Thank you"`],
    async run ({ client, out, options, args: [id] }) {
      const api = await client()
      const body = options.reply != null ? { reply: options.reply } : {}
      const proposal = decision === 'accept' ? await api.acceptProposal(id, body) : await api.declineProposal(id, body)
      out.result(proposal, `${decision === 'accept' ? 'Accepted' : 'Declined'} ${proposal.id}`)
    }
  }
}

export const adoptionSetCommand: CommandSpec = {
  name: 'adoption set',
  args: ['DOC'],
  options: ['state', 'note', 'network', 'variant', 'reason', 'at'],
  usage: 'adoption set DOC --state STATE [--note TEXT] [--network NET ...] [--variant ID] [--reason TEXT] [--at DATE]',
  summary: "Record this organisation's adoption state of a practice, and with which networks it is shared",
  details: [
    `--state STATE    ${STATES.join(', ')}`,
    '--note TEXT      outcomes, context',
    '--network NET    share this practice\'s states with a network (repeat); remembered; nothing is shared by default',
    '--variant ID     for adapted: your variant (default: your only one)',
    '--reason TEXT    for discontinued: why',
    '--at DATE        when the change happened (2026-06-01 or ISO 8601; default now): not in the future,',
    "                 nor before this practice's previous change"
  ],
  examples: ['commonplace adoption set 3xkq… --state trialling --note "From May" --network net_…', 'commonplace adoption set 3xkq… --state trialling --at 2026-03-01'],
  async run ({ client, out, options, args: [doc] }) {
    if (options.state == null) throw new UsageError("'adoption set' needs --state STATE", 'adoption set')
    const at = options.at != null ? parsePastDate(options.at, '--at', 'adoption set') : undefined
    const view = await (await client()).setAdoption({
      doc,
      state: parseChoice(options.state, STATES, '--state', 'adoption set'),
      ...(options.note != null ? { note: options.note } : {}),
      ...(options.variant != null ? { variant: options.variant } : {}),
      ...(options.reason != null ? { reason: options.reason } : {}),
      ...(options.network != null ? { networks: options.network } : {}),
      ...(at !== undefined ? { at } : {})
    })
    out.result(view, () => formatAdoption(view))
  }
}

export const adoptionShowCommand: CommandSpec = {
  name: 'adoption show',
  args: ['NET'],
  options: ['weeks'],
  usage: 'adoption show NET [--weeks N] [--json]',
  summary: "Print a network's adoption matrix (organisations × practices), its curve and quiet members",
  details: ['--weeks N    members quiet for N weeks (default 4)', '--json       the whole diffusion view: matrix, family trees, curve, activity'],
  examples: ['commonplace adoption show net_…', 'commonplace adoption show net_… --json'],
  async run ({ client, out, options, args: [network] }) {
    const quietWeeks = options.weeks != null ? parsePositiveInteger(options.weeks, '--weeks', 'adoption show') : undefined
    const view = await (await client()).diffusion(network, quietWeeks != null ? { quietWeeks } : {})
    out.result(view, () => formatMatrix(view))
  }
}

export const ADOPTION_COMMANDS: readonly CommandSpec[] = [
  proposalListCommand, proposalShowCommand, decideCommand('accept'), decideCommand('decline'), adoptionSetCommand, adoptionShowCommand
]

function formatAdoption (view: AdoptionView): string {
  const current = view.current
  if (current == null) return 'No state recorded.'
  const shared = view.networks.length > 0 ? `shared with ${view.networks.join(', ')}` : 'not shared with any network'
  return `${current.state} since ${current.at.slice(0, 10)} (${shared})`
}
