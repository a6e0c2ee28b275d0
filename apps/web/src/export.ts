/** Downloads: the record as Markdown (the node writes it) and as HTML (written here from the editors). */
import type * as Y from 'yjs'

export function download (name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 1000)
}

export function fileName (title: string, ext: string): string {
  const base = title.trim().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 80) || 'document'
  return `${base}.${ext}`
}

const LICENCE_LINES: Record<string, string> = {
  'CC-BY-4.0': 'Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).',
  'CC-BY-SA-4.0': 'Licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).',
  'OGL-3.0': 'Licensed under the Open Government Licence v3.0.',
  'network-only': 'Shared within the network only; not for publication.'
}

export function licenceLine (licence: string, owner: string): string {
  return `${LICENCE_LINES[licence] ?? `Licence: ${licence}.`} Source: ${owner}.`
}

function escape (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** A standalone HTML page: metadata block, sections (each editor's HTML), licence line. */
export function recordToHtml (meta: Y.Map<unknown>, sections: Array<{ heading: string, html: string }>, ownerName: string): string {
  const title = String(meta.get('title') ?? '')
  const rows: Array<[string, unknown]> = [
    ['Kind', meta.get('kind')], ['Maturity', meta.get('maturity')], ['Status', meta.get('status')],
    ['Licence', meta.get('licence')], ['Owner', ownerName], ['Review by', meta.get('reviewBy')],
    ['Tags', (meta.get('tags') as Y.Array<string> | undefined)?.toArray().join(', ')],
    ['Updated', typeof meta.get('updated') === 'number' ? new Date(meta.get('updated') as number).toISOString() : undefined]
  ]
  const table = rows.filter(([, v]) => v != null && v !== '').map(([k, v]) => `<tr><th>${k}</th><td>${escape(String(v))}</td></tr>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body>
<h1>${escape(title)}</h1>
<table class="metadata">${table}</table>
${sections.map(s => `<h2>${escape(s.heading)}</h2>\n${s.html}`).join('\n')}
<footer><p>${escape(licenceLine(String(meta.get('licence') ?? ''), ownerName))}</p></footer>
</body></html>
`
}

