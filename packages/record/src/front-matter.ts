/**
 * The metadata block at the top of an exported record: `---`, one `key: value` per line, `---`.
 * A small subset of YAML: values are plain scalars, JSON strings, JSON arrays or objects
 * (valid YAML flow style), or a block list of `- item` lines.
 */

const DELIMITER = '---'
const KEY_LINE = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/
const LIST_ITEM = /^[ \t]+-[ \t]+(.*)$/
const PLAIN_SAFE = /^[\p{L}\p{N}][\p{L}\p{N} ._/+@:-]*$/u
const YAML_WORDS = /^(true|false|yes|no|on|off|null|~)$/i
const NUMBER_LIKE = /^[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+)$/

/** Render metadata entries as a front-matter block (entries with `undefined` values are skipped). */
export function renderFrontMatter (entries: Array<[string, unknown]>): string {
  const lines = entries.filter(([, value]) => value !== undefined).map(([key, value]) => `${key}: ${renderValue(value)}`)
  return [DELIMITER, ...lines, DELIMITER].join('\n')
}

function renderValue (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`
  if (typeof value === 'string') return isPlainSafe(value) ? value : JSON.stringify(value)
  return JSON.stringify(value)
}

function isPlainSafe (text: string): boolean {
  return PLAIN_SAFE.test(text) && !text.includes(': ') && !text.endsWith(':') && !text.endsWith(' ') &&
    !YAML_WORDS.test(text) && !NUMBER_LIKE.test(text)
}

/**
 * Split a leading front-matter block from Markdown. Without one (or without its closing
 * `---`), `fields` is empty and `body` is the whole text.
 */
export function splitFrontMatter (markdown: string): { fields: Record<string, unknown>, body: string } {
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (lines[0]?.trimEnd() !== DELIMITER) return { fields: {}, body: markdown }
  const end = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === DELIMITER || line.trimEnd() === '...'))
  if (end < 0) return { fields: {}, body: markdown }
  return { fields: parseFields(lines.slice(1, end)), body: lines.slice(end + 1).join('\n') }
}

function parseFields (lines: string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  let listKey: string | undefined
  for (const line of lines) {
    const item = LIST_ITEM.exec(line)
    if (item != null && listKey !== undefined) {
      (fields[listKey] as unknown[]).push(parseScalar(item[1]))
      continue
    }
    listKey = undefined
    const match = KEY_LINE.exec(line)
    if (match == null) continue
    const [, key, raw] = match
    if (raw === undefined || raw.trim() === '') {
      fields[key] = []
      listKey = key
    } else {
      fields[key] = parseValue(raw)
    }
  }
  return fields
}

function parseValue (raw: string): unknown {
  const text = raw.trim()
  if (text.startsWith('[') || text.startsWith('{') || text.startsWith('"')) {
    try {
      return JSON.parse(text)
    } catch {
      if (text.startsWith('[') && text.endsWith(']')) return splitFlowList(text.slice(1, -1))
    }
  }
  return parseScalar(text)
}

/** Items of a flow list `[a, "b, c", 'd']`: commas inside quotes do not split. */
function splitFlowList (inner: string): unknown[] {
  const items = [...inner.matchAll(/\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+)/g)].map(match => match[1])
  return items.map(part => parseScalar(part)).filter(part => part !== '')
}

function parseScalar (raw: string): unknown {
  const text = raw.trim()
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text)
    } catch {
      return text.slice(1, text.endsWith('"') ? -1 : undefined)
    }
  }
  if (text.startsWith("'")) return text.slice(1, text.endsWith("'") ? -1 : undefined).replace(/''/g, "'")
  if (text === '~' || text === 'null') return null
  return text.replace(/(?<![ \t])[ \t]+#.*$/, '')
}
