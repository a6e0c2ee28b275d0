/**
 * `marked`'s lexer leaves named character references in text as written (`&amp;`, `&copy;`)
 * and turns a bare `&` into `&amp;` when the text also holds a numeric reference.
 * Text in a Y.Doc is plain, so the usual named references are decoded here.
 */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  shy: '\u00ad',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  micro: 'µ',
  middot: '·',
  para: '¶',
  sect: '§',
  euro: '€',
  pound: '£',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  bull: '•',
  rarr: '→',
  larr: '←',
  le: '≤',
  ge: '≥',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à'
}

/** Replace the named character references above; unknown ones stay as written. */
export function decodeEntities (text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&([A-Za-z][A-Za-z0-9]*);/g, (whole, name: string) => NAMED[name] ?? whole)
}
