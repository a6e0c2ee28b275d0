/**
 * The effective roster of a network: a pure function of the statements held (docs/networks.md),
 * so every node with the same statements computes the same membership.
 */
import type {
  Frontier, GenesisStatement, InvitationStatement, JoinStatement, MemberStatement, NetworkId, NetworkRole, OrgId,
  PresenceStatement, RequestStatement, Statement, Visibility
} from '@commonplace/core'

export interface RosterMember {
  org: OrgId
  role: NetworkRole
  name: string
  /** When it joined (ms since epoch). */
  since: number
}

export interface Removal {
  org: OrgId
  at: number
  frontier: Frontier
}

export interface Roster {
  network: NetworkId
  name: string
  visibility: Visibility
  creator: OrgId
  members: Map<OrgId, RosterMember>
  removed: Map<OrgId, Removal>
  /** Invitations signed by a current facilitator and not expired at `now` (used ones too: their joins get a clear refusal). */
  invitations: InvitationStatement[]
  /** Approval requests with a valid invitation from organisations that are not members. */
  requests: RequestStatement[]
  /** The highest `member` seq per organisation (a facilitator's next statement goes above it). */
  seqOf(org: OrgId): number
  /** How many counted joins each invitation has. */
  usesOf(invitation: string): number
}

type Decision = { seq: number, rank: number, issuer: string, role: NetworkRole | 'removed', at: number, name?: string, frontier?: Frontier }
const RANK = { member: 0, facilitator: 1, removed: 2 }
const MAX_ROUNDS = 16

/**
 * Compute the roster from verified statements of one network. Statements whose signer had no
 * right to make them are ignored. Returns null without the genesis.
 */
export function computeRoster (statements: Iterable<Statement>, now: number): Roster | null {
  let genesis: GenesisStatement | undefined
  const members: MemberStatement[] = []
  const joins: JoinStatement[] = []
  const invitations: InvitationStatement[] = []
  const requests: RequestStatement[] = []
  for (const s of statements) {
    if (s.type === 'genesis') genesis = s
    else if (s.type === 'member') members.push(s)
    else if (s.type === 'join') joins.push(s)
    else if (s.type === 'invitation') invitations.push(s)
    else if (s.type === 'request') requests.push(s)
  }
  if (genesis == null) return null
  const network = genesis.network
  const creator = genesis.creator
  const countedJoins = countJoins(joins)

  let facilitators = new Set<string>([creator])
  let decided = new Map<string, Decision>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    decided = decide(members, countedJoins, facilitators)
    const next = new Set<string>([creator])
    for (const [org, d] of decided) if (d.role === 'facilitator') next.add(org)
    if (sameSet(next, facilitators)) break
    facilitators = next
  }

  const roster: Roster = {
    network,
    name: genesis.name,
    visibility: genesis.visibility,
    creator,
    members: new Map(),
    removed: new Map(),
    invitations: [],
    requests: [],
    seqOf: org => Math.max(0, ...members.filter(m => m.member === org).map(m => m.seq)),
    usesOf: id => countedJoins.filter(j => j.invitation.id === id).length
  }
  const joinedAt = new Map<string, JoinStatement>()
  for (const j of countedJoins) if (facilitators.has(j.invitation.issuer) && !joinedAt.has(j.member)) joinedAt.set(j.member, j)
  roster.members.set(creator, { org: creator, role: 'facilitator', name: '', since: genesis.createdAt })
  for (const [org, d] of decided) {
    if (org === creator) continue
    if (d.role === 'removed') roster.removed.set(org as OrgId, { org: org as OrgId, at: d.at, frontier: d.frontier ?? {} })
    else roster.members.set(org as OrgId, { org: org as OrgId, role: d.role, name: d.name ?? joinedAt.get(org)?.name ?? '', since: joinedAt.get(org)?.joinedAt ?? d.at })
  }
  roster.invitations = invitations.filter(i => facilitators.has(i.issuer) && i.expiresAt > now)
  roster.requests = requests.filter(r => facilitators.has(r.invitation.issuer) && !roster.members.has(r.member) && !roster.removed.has(r.member))
  return roster
}

/** Per invitation, the first `uses` joins by (joinedAt, org); joins after expiry never count. */
function countJoins (joins: JoinStatement[]): JoinStatement[] {
  const byInvitation = new Map<string, JoinStatement[]>()
  for (const j of joins) {
    if (j.joinedAt > j.invitation.expiresAt) continue
    const list = byInvitation.get(j.invitation.id) ?? []
    if (!list.some(other => other.member === j.member)) list.push(j)
    byInvitation.set(j.invitation.id, list)
  }
  const counted: JoinStatement[] = []
  for (const list of byInvitation.values()) {
    list.sort((a, b) => a.joinedAt - b.joinedAt || (a.member < b.member ? -1 : 1))
    counted.push(...list.slice(0, list[0].invitation.uses))
  }
  return counted
}

function decide (members: MemberStatement[], joins: JoinStatement[], facilitators: Set<string>): Map<string, Decision> {
  const decided = new Map<string, Decision>()
  const consider = (org: string, d: Decision): void => {
    const current = decided.get(org)
    if (current == null || better(d, current)) decided.set(org, { ...d, name: d.name ?? current?.name })
    else if (current.name == null && d.name != null) current.name = d.name
  }
  for (const j of joins) {
    if (!facilitators.has(j.invitation.issuer)) continue
    consider(j.member, { seq: 0, rank: RANK[j.invitation.role], issuer: j.invitation.issuer, role: j.invitation.role, at: j.joinedAt, name: j.name })
  }
  for (const m of members) {
    // a facilitator's statement, or a member leaving on its own signature
    if (!facilitators.has(m.issuer) && !(m.issuer === m.member && m.role === 'removed')) continue
    consider(m.member, { seq: m.seq, rank: RANK[m.role], issuer: m.issuer, role: m.role, at: m.issuedAt, frontier: m.frontier })
  }
  return decided
}

function better (a: Decision, b: Decision): boolean {
  if (a.seq !== b.seq) return a.seq > b.seq
  if (a.rank !== b.rank) return a.rank > b.rank
  return a.issuer < b.issuer
}

function sameSet (a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every(x => b.has(x))
}

/** The newest presence per organisation. */
export function latestPresence (statements: Iterable<PresenceStatement>): Map<OrgId, PresenceStatement> {
  const out = new Map<OrgId, PresenceStatement>()
  for (const p of statements) {
    const current = out.get(p.org)
    if (current == null || p.at > current.at) out.set(p.org, p)
  }
  return out
}
