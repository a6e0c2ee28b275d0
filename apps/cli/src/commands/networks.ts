/** `network …`: learning networks (create, invite, join, members, removal). */
import { parseChoice, parseDuration, parsePositiveInteger } from '../args.ts'
import { table, truncate } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { InviteRequest, JoinRequestView, MemberView, NetworkRole, NetworkSummary, NetworkVisibility, OutstandingInvitation } from '../node-api.ts'

const VISIBILITIES: readonly NetworkVisibility[] = ['invite', 'approval']
const NETWORK_ROLES: readonly NetworkRole[] = ['member', 'facilitator']

export const networkCreateCommand: CommandSpec = {
  name: 'network create',
  args: ['NAME'],
  options: ['visibility'],
  usage: 'network create NAME [--visibility invite|approval]',
  summary: 'Start a learning network (you are its first facilitator) and print its id',
  details: [
    '--visibility invite    a valid invitation code joins at once (default)',
    '--visibility approval  a facilitator accepts each join (network requests, network accept)'
  ],
  examples: ['commonplace network create "Tampere Workplace Learning Network"', 'commonplace network create "Northfield PCN" --visibility approval'],
  async run ({ client, out, options, args: [name] }) {
    const visibility = options.visibility == null ? undefined : parseChoice(options.visibility, VISIBILITIES, '--visibility', 'network create')
    const network = await (await client()).createNetwork({ name, ...(visibility == null ? {} : { visibility }) })
    out.result(network, network.id)
  }
}

export const networkInviteCommand: CommandSpec = {
  name: 'network invite',
  args: ['NETID'],
  options: ['role', 'expires', 'uses'],
  usage: 'network invite NETID [--role member|facilitator] [--expires 7d] [--uses 1]',
  summary: 'Print an invitation code for another organisation (facilitators)',
  details: [
    '--role member|facilitator  what the invited organisation becomes (default member)',
    '--expires DURATION         how long the code is valid: 30m, 12h, 7d (default 7d)',
    '--uses N                   how many organisations may join with it (default 1)',
    'Only the code is printed on stdout, so that it can be copied or piped.'
  ],
  examples: ['commonplace network invite net_… --expires 2d', 'commonplace network invite net_… --role facilitator --uses 3'],
  async run ({ client, out, options, args: [network] }) {
    const request = inviteRequest(options)
    const invitation = await (await client()).invite(network, request)
    out.result(invitation, invitation.code)
    out.note(`Valid until ${invitation.expiresAt} for ${invitation.uses} organisation${invitation.uses === 1 ? '' : 's'}, joining as ${invitation.role}.`)
  }
}

function inviteRequest (options: { role?: string, expires?: string, uses?: string }): InviteRequest {
  const request: InviteRequest = {}
  if (options.role != null) request.role = parseChoice(options.role, NETWORK_ROLES, '--role', 'network invite')
  if (options.expires != null) request.expires = parseDuration(options.expires, '--expires', 'network invite')
  if (options.uses != null) request.uses = parsePositiveInteger(options.uses, '--uses', 'network invite')
  return request
}

export const networkInvitationsCommand: CommandSpec = {
  name: 'network invitations',
  args: ['NETID'],
  options: [],
  usage: 'network invitations NETID',
  summary: 'List the invitation codes of a network still valid and not used up (facilitators)',
  details: [
    'Each with its id, role, uses, expiry and who made it. The node keeps no code itself:',
    "a code is printed once, by 'network invite'."
  ],
  examples: ['commonplace network invitations net_…', 'commonplace network invitations net_… --json'],
  async run ({ client, out, args: [network] }) {
    const api = await client()
    const invitations = await api.invitations(network)
    // the issuers are facilitators, so the members list names them
    const names = invitations.length === 0 ? new Map<string, string>() : new Map((await api.members(network)).map(m => [m.orgId as string, m.name]))
    out.result(invitations, () => formatInvitations(invitations, names))
  }
}

export const networkJoinCommand: CommandSpec = {
  name: 'network join',
  args: ['CODE'],
  options: [],
  usage: 'network join CODE',
  summary: 'Join a learning network with an invitation code',
  details: [
    'The node dials the members the code names and then finds the others through the roster.',
    'In an approval network the join waits until a facilitator accepts it.'
  ],
  examples: ['commonplace network join cpinv1…'],
  async run ({ client, out, args: [code] }) {
    const result = await (await client()).join(code.trim())
    const { network } = result
    out.result(result, result.status === 'pending'
      ? `Asked to join ${describeNetwork(network)}; waiting for a facilitator to accept`
      : `Joined ${describeNetwork(network)} as ${network.role}`)
  }
}

export const networkListCommand: CommandSpec = {
  name: 'network list',
  args: [],
  options: [],
  usage: 'network list',
  summary: 'List the learning networks this organisation belongs to',
  examples: ['commonplace network list'],
  async run ({ client, out }) {
    const networks = await (await client()).listNetworks()
    out.result(networks, () => networks.length === 0
      ? 'No networks.'
      : table(['ID', 'NAME', 'ROLE', 'VISIBILITY', 'MEMBERS'],
        networks.map(n => [n.id, truncate(n.name, 40), n.role, n.visibility, String(n.memberCount)])))
  }
}

export const networkMembersCommand: CommandSpec = {
  name: 'network members',
  args: ['NETID'],
  options: [],
  usage: 'network members NETID',
  summary: "List a network's members: organisation, name, role, since, online or last seen",
  examples: ['commonplace network members net_…'],
  async run ({ client, out, args: [network] }) {
    const members = await (await client()).members(network)
    out.result(members, () => formatMembers(members))
  }
}

export const networkRequestsCommand: CommandSpec = {
  name: 'network requests',
  args: ['NETID'],
  options: [],
  usage: 'network requests NETID',
  summary: 'List the joins waiting for a facilitator (approval networks)',
  examples: ['commonplace network requests net_…'],
  async run ({ client, out, args: [network] }) {
    const requests = await (await client()).requests(network)
    out.result(requests, () => formatRequests(requests))
  }
}

export const networkAcceptCommand: CommandSpec = {
  name: 'network accept',
  args: ['NETID', 'ORGID'],
  options: [],
  usage: 'network accept NETID ORGID',
  summary: "Accept an organisation's request to join (facilitators)",
  examples: ['commonplace network accept net_… 12D3KooW…'],
  async run ({ client, out, args: [network, org] }) {
    const members = await (await client()).accept(network, org)
    out.result(members, `Accepted ${org} into ${network}`)
  }
}

export const networkRemoveCommand: CommandSpec = {
  name: 'network remove',
  args: ['NETID', 'ORGID'],
  options: [],
  usage: 'network remove NETID ORGID',
  summary: 'Remove an organisation from a network (facilitators); every member disconnects it',
  examples: ['commonplace network remove net_… 12D3KooW…'],
  async run ({ client, out, args: [network, org] }) {
    const members = await (await client()).removeMember(network, org)
    out.result(members, `Removed ${org} from ${network}`)
  }
}

export const networkLeaveCommand: CommandSpec = {
  name: 'network leave',
  args: ['NETID'],
  options: [],
  usage: 'network leave NETID',
  summary: 'Leave a network',
  examples: ['commonplace network leave net_…'],
  async run ({ client, out, args: [network] }) {
    const left = await (await client()).leave(network)
    out.result(left, `Left ${describeNetwork(left)}`)
  }
}

export const NETWORK_COMMANDS: readonly CommandSpec[] = [
  networkCreateCommand, networkInviteCommand, networkInvitationsCommand, networkJoinCommand, networkListCommand, networkMembersCommand,
  networkRequestsCommand, networkAcceptCommand, networkRemoveCommand, networkLeaveCommand
]

function describeNetwork (network: NetworkSummary): string {
  return `${network.name} (${network.id})`
}

function formatInvitations (invitations: OutstandingInvitation[], names: Map<string, string>): string {
  if (invitations.length === 0) return "No invitation codes are outstanding. Make one with 'commonplace network invite NETID'."
  return table(['ID', 'ROLE', 'USED', 'VALID UNTIL', 'MADE BY'],
    invitations.map(i => [i.id, i.role, `${i.used} of ${i.uses}`, i.expiresAt, names.get(i.issuer) ?? i.issuer]))
}

function formatMembers (members: MemberView[]): string {
  if (members.length === 0) return 'No members.'
  return table(['ORGANISATION', 'NAME', 'ROLE', 'SINCE', 'SEEN'],
    members.map(m => [m.orgId, truncate(m.name, 30), m.role, m.since, presence(m)]))
}

/** `online`, `last seen <when>` or `never seen`. */
export function presence (member: Pick<MemberView, 'online' | 'lastSeen'>): string {
  if (member.online) return 'online'
  return member.lastSeen == null ? 'never seen' : `last seen ${member.lastSeen}`
}

function formatRequests (requests: JoinRequestView[]): string {
  if (requests.length === 0) return 'No joins waiting.'
  return table(['ORGANISATION', 'NAME', 'ROLE', 'REQUESTED'], requests.map(r => [r.orgId, truncate(r.name, 30), r.role, r.requestedAt]))
}
