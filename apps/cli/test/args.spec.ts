import { describe, it, expect } from 'vitest'
import { join } from 'node:path'
import { parseCommandLine, parseHttpAddress, parsePastDate, parseSectionPair } from '../src/args.ts'
import { UsageError } from '../src/errors.ts'
import { resolveDataDir } from '../src/index.ts'
import { run } from './helpers.ts'

describe('parseCommandLine', () => {
  it('parses options anywhere, repeated options into arrays', () => {
    const parsed = parseCommandLine(['--data', '/d', 'doc', 'create', '--title', 'T', '--section', 'A=1', '--section', 'B=2', '--json'])
    expect(parsed.positionals).toEqual(['doc', 'create'])
    expect(parsed.options).toEqual({ data: '/d', title: 'T', section: ['A=1', 'B=2'], json: true })
  })

  it('takes --option=value, also for values starting with a dash', () => {
    expect(parseCommandLine(['doc', 'edit', 'x', '--append=- a bullet']).options.append).toBe('- a bullet')
  })

  it('turns parse failures into one-line UsageErrors', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--frobnicate'], /^Unknown option --frobnicate$/],
      [['doc', 'create', '--title'], /^Option --title needs a value$/],
      [['--json=yes'], /^Option --json takes no value$/],
      [['doc', 'edit', 'x', '--append', '- a'], /^Option --append needs a value \(write --append=VALUE/]
    ]
    for (const [argv, message] of cases) {
      const err = (() => { try { parseCommandLine(argv) } catch (e) { return e } })()
      expect(err, argv.join(' ')).toBeInstanceOf(UsageError)
      expect((err as Error).message).toMatch(message)
      expect((err as Error).message).not.toContain('\n')
    }
  })
})

describe('parseSectionPair', () => {
  it('splits at the first =', () => {
    expect(parseSectionPair('Why=a=b', '--section', 'doc create')).toEqual({ heading: 'Why', text: 'a=b' })
    expect(parseSectionPair(' How = ', '--section', 'doc create')).toEqual({ heading: 'How', text: ' ' })
  })

  it('refuses a pair without a heading', () => {
    for (const bad of ['no equals', '=text', ' =text']) {
      expect(() => parseSectionPair(bad, '--section', 'doc create')).toThrow(UsageError)
    }
  })
})

describe('parseHttpAddress', () => {
  it('reads HOST:PORT, [IPv6]:PORT and a bare port', () => {
    expect(parseHttpAddress('127.0.0.1:7420', 'start')).toEqual({ host: '127.0.0.1', port: 7420 })
    expect(parseHttpAddress('localhost:0', 'start')).toEqual({ host: 'localhost', port: 0 })
    expect(parseHttpAddress('[::1]:9000', 'start')).toEqual({ host: '::1', port: 9000 })
    expect(parseHttpAddress('9000', 'start')).toEqual({ host: '127.0.0.1', port: 9000 })
  })

  it('refuses anything else', () => {
    for (const bad of ['', 'localhost', '127.0.0.1:', '127.0.0.1:70000', '::1:80', 'http://127.0.0.1:80', '1.2.3.4:-1']) {
      expect(() => parseHttpAddress(bad, 'start'), bad).toThrow(UsageError)
    }
  })
})

describe('parsePastDate', () => {
  const now = Date.UTC(2026, 11, 6, 12)
  it('reads a day as midnight UTC and an ISO 8601 time as it is', () => {
    expect(parsePastDate('2026-06-01', '--at', 'adoption set', now)).toBe('2026-06-01T00:00:00.000Z')
    expect(parsePastDate('2026-06-01T09:30:00+02:00', '--at', 'adoption set', now)).toBe('2026-06-01T07:30:00.000Z')
    expect(parsePastDate('2026-12-06T12:00:00Z', '--at', 'adoption set', now)).toBe('2026-12-06T12:00:00.000Z')
  })

  it('refuses a date that is no date, a day that does not exist, and the future, with a usage error', () => {
    for (const bad of ['June', '01/06/2026', '2026-02-31', '2026-13-01', '2026-12-06T12:00:01Z', '2027-01-01', `2026-06-01${'0'.repeat(40)}`]) {
      expect(() => parsePastDate(bad, '--at', 'adoption set', now), bad).toThrow(UsageError)
    }
  })
})

describe('resolveDataDir', () => {
  it('prefers --data, then $COMMONPLACE_DATA, then ~/.commonplace, relative to cwd', () => {
    expect(resolveDataDir('rel', { env: { COMMONPLACE_DATA: '/env' }, cwd: '/work' })).toBe('/work/rel')
    expect(resolveDataDir(undefined, { env: { COMMONPLACE_DATA: '/env', HOME: '/h' }, cwd: '/work' })).toBe('/env')
    expect(resolveDataDir(undefined, { env: { COMMONPLACE_DATA: '', HOME: '/h' }, cwd: '/work' })).toBe(join('/h', '.commonplace'))
    expect(resolveDataDir(undefined, { env: { HOME: '/h' }, cwd: '/work' })).toBe('/h/.commonplace')
  })

  it('refuses an empty --data', () => {
    expect(() => resolveDataDir('', { env: {}, cwd: '/' })).toThrow(UsageError)
  })
})

describe('usage errors', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^commonplace: Missing command \(see 'commonplace help'\)\n$/],
    [['frobnicate'], /^commonplace: Unknown command 'frobnicate' \(see 'commonplace help'\)\n$/],
    [['doc'], /^commonplace: 'doc' needs a subcommand: create, list, show, edit, adapt, family, upstream, propose, history, version, diff, restore \(see 'commonplace help doc'\)\n$/],
    [['doc', 'burn'], /^commonplace: Unknown command 'doc burn': create, list, show, edit/],
    [['status', '--frobnicate'], /^commonplace: Unknown option --frobnicate \(see 'commonplace help'\)\n$/],
    [['status', '--role', 'edit'], /^commonplace: Option --role does not apply to 'status' \(see 'commonplace help status'\)\n$/],
    [['connect'], /^commonplace: 'connect' needs MULTIADDR \(see 'commonplace help connect'\)\n$/],
    [['doc', 'show'], /^commonplace: 'doc show' needs ID/],
    [['peers', 'extra'], /^commonplace: Unexpected argument "extra" for 'peers'/],
    [['doc', 'create'], /needs --title T \(or --from-markdown FILE\)/],
    [['doc', 'create', '--title', 'T', '--section', 'no-equals'], /--section expects HEADING=TEXT/],
    [['doc', 'edit', 'x'], /Nothing to change/],
    [['doc', 'edit', 'x', '--append', 'text'], /--append TEXT needs exactly one --section HEADING/],
    [['doc', 'edit', 'x', '--section', 'Why'], /--section HEADING goes with --append TEXT/],
    [['doc', 'show', 'x', '--format', 'pdf'], /--format must be markdown, json or info/],
    [['share', 'x', '--role', 'edit'], /'share' needs --with ORGID/],
    [['share', 'x', '--with', 'o'], /'share' needs --role read\|comment\|edit/],
    [['share', 'x', '--with', 'o', '--role', 'none'], /--role must be read or comment or edit/],
    [['unshare', 'x'], /'unshare' needs --with ORGID/],
    [['share', 'x', '--with', 'o', '--network', 'net_n', '--role', 'read'], /'share' takes --with ORGID or --network NETID, not both/],
    [['unshare', 'x', '--with', 'o', '--network', 'net_n'], /'unshare' takes --with ORGID or --network NETID, not both/],
    [['network'], /'network' needs a subcommand: create, invite, invitations, join, list, members, requests, accept, remove, leave/],
    [['network', 'create'], /'network create' needs NAME/],
    [['network', 'create', 'N', '--visibility', 'open'], /--visibility must be invite or approval, not "open"/],
    [['network', 'invite', 'net_n', '--role', 'owner'], /--role must be member or facilitator/],
    [['network', 'invite', 'net_n', '--expires', '7 days'], /--expires expects a duration such as 30m, 12h or 7d/],
    [['network', 'invite', 'net_n', '--uses', '0'], /--uses expects a whole number from 1 up/],
    [['network', 'invite', 'net_n', '--uses', '1.5'], /--uses expects a whole number from 1 up/],
    [['network', 'join'], /'network join' needs CODE/],
    [['network', 'accept', 'net_n'], /'network accept' needs ORGID/],
    [['network', 'remove', 'net_n'], /'network remove' needs ORGID/],
    [['network', 'list', '--visibility', 'invite'], /Option --visibility does not apply to 'network list'/],
    [['topic', 'create', 'net_n'], /'topic create' needs --title T/],
    [['topic', 'attach', 'net_n', 'topic'], /'topic attach' needs DOCID/],
    [['start', '--http', 'nonsense'], /--http expects HOST:PORT/],
    [['connect', '192.0.2.10:7421'], /^commonplace: Not a multiaddr: "192\.0\.2\.10:7421" \(.*\); expected e\.g\. \/ip4\//],
    [['connect', '/ip4/192.0.2.10/tcp/7421/p2p/12D3KooWnot'], /Not a multiaddr: .*p2p/],
    [['help', 'frobnicate'], /Unknown command 'frobnicate'/]
  ]

  for (const [argv, message] of cases) {
    it(`exits 64 for: commonplace ${argv.join(' ')}`, async () => {
      // A data folder with no node: usage is checked before any connection is tried.
      const result = await run([...argv, '--data', '/nonexistent-commonplace'])
      expect(result.code).toBe(64)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(message)
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
    })
  }

  it('prints usage errors as JSON on stdout with --json', async () => {
    const result = await run(['frobnicate', '--json'])
    expect(result.code).toBe(64)
    expect(result.stderr).toBe('')
    expect(result.json).toEqual({ error: { code: 'ERR_USAGE', message: "Unknown command 'frobnicate'" } })
  })

  it('prints JSON even when the option parser fails', async () => {
    const result = await run(['status', '--json', '--nope'])
    expect(result.code).toBe(64)
    expect(result.json.error.code).toBe('ERR_USAGE')
  })
})

describe('help', () => {
  it('lists every command', async () => {
    const result = await run(['help'])
    expect(result.code).toBe(0)
    for (const name of ['init', 'start', 'status', 'connect', 'peers', 'doc create', 'doc list', 'doc show', 'doc edit', 'share', 'unshare',
      'network create', 'network invite', 'network join', 'network list', 'network members', 'network requests',
      'network accept', 'network remove', 'network leave', 'topic create', 'topic list', 'topic attach', 'help']) {
      expect(result.stdout).toContain(`  ${name} `)
    }
    expect(result.stdout).toContain('--data DIR')
  })

  it('shows one command with --help or help COMMAND, ignoring its other options', async () => {
    const viaFlag = await run(['doc', 'create', '--title', 'x', '--help'])
    const viaHelp = await run(['help', 'doc', 'create'])
    expect(viaFlag.code).toBe(0)
    expect(viaFlag.stdout).toBe(viaHelp.stdout)
    expect(viaFlag.stdout).toMatch(/^Usage: commonplace doc create --title T/)
    expect(viaFlag.stdout).toContain('Example')
  })

  it('shows the doc group', async () => {
    const result = await run(['doc', '--help'])
    expect(result.stdout).toContain('Usage: commonplace doc list')
    expect(result.stdout).toContain('Usage: commonplace doc edit ID')
  })

  it('is one JSON document with --json', async () => {
    const result = await run(['help', '--json'])
    expect(result.code).toBe(0)
    expect(result.json.map((c: { name: string }) => c.name)).toContain('doc show')
  })
})
