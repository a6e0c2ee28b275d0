/**
 * Downloads: the record as Markdown (the node writes it) and as HTML (written here from the
 * editors): a self-contained page with its own styles and a print stylesheet, so that the
 * browser's Print / Save as PDF gives a clean protocol to file.
 */
import type * as Y from 'yjs'
import { wordFor } from './words.ts'

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

/** Dates as a person reads them, in the exporting browser's language. */
function longTime (ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' })
}

const STYLE = `
:root { color: #1b1b1b; background: #fff; font: 11pt/1.5 system-ui, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
body { max-width: 46rem; margin: 2rem auto; padding: 0 1.2rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .8rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .4rem; border-bottom: 1px solid #ccc; padding-bottom: .15rem; }
h3, h4, h5, h6 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .4rem 0; }
a { color: #0b5cad; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .6rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
table.metadata { width: 100%; font-size: .95em; }
table.metadata th { width: 9rem; background: #f2f2ee; font-weight: 600; }
ul[data-type="taskList"] { list-style: none; padding-left: .2rem; }
li[data-type="taskItem"] > div > p:first-child { margin-top: 0; }
.box { font-size: 1.1em; margin-right: .35em; }
blockquote { margin: .6rem 0; padding-left: .8rem; border-left: 3px solid #ccc; color: #444; }
footer { margin-top: 2rem; padding-top: .5rem; border-top: 1px solid #ccc; font-size: .9em; color: #444; }
@page { margin: 2cm 1.8cm; }
@media print {
  :root { font-size: 10.5pt; }
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; color: #444; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, li, table.metadata { break-inside: avoid; page-break-inside: avoid; }
  table.metadata th { background: none; }
}
`

/**
 * Task items as TipTap writes them (`<li data-type="taskItem"><label><input type="checkbox">…
 * </label><div><p>text</p></div></li>`) become a box character at the start of their text, so
 * the box and its words stay on one line, in print as on screen.
 */
function inlineCheckboxes (html: string): string {
  const template = document.createElement('template')
  template.innerHTML = html
  for (const item of template.content.querySelectorAll('li[data-type="taskItem"]')) {
    item.querySelector(':scope > label')?.remove()
    const box = document.createElement('span')
    box.className = 'box'
    box.textContent = item.getAttribute('data-checked') === 'true' ? '☑' : '☐'
    const text = item.querySelector(':scope > div > p') ?? item
    text.prepend(box, ' ')
  }
  return template.innerHTML
}

/** What the page knows besides the record: whose it is and when it last changed (ms). */
export interface HtmlExportInfo { ownerName: string, updated: number }

/**
 * A standalone HTML page: the title, a metadata block (in words), the sections that have text
 * (each editor's HTML), a licence and attribution line. Styles are inline; it loads nothing.
 */
export function recordToHtml (meta: Y.Map<unknown>, sections: Array<{ heading: string, html: string }>, info: HtmlExportInfo): string {
  const title = String(meta.get('title') ?? '') || 'Untitled document'
  const code = (key: 'kind' | 'maturity' | 'status' | 'licence'): string | undefined => {
    const value = meta.get(key)
    return typeof value === 'string' && value !== '' ? wordFor(key, value) : undefined
  }
  const reviewBy = meta.get('reviewBy')
  const rows: Array<[string, string | undefined]> = [
    ['Kind', code('kind')], ['Maturity', code('maturity')], ['Status', code('status')],
    ['Licence', code('licence')], ['Owner', info.ownerName],
    ['Review by', typeof reviewBy === 'string' && reviewBy !== '' ? new Date(`${reviewBy}T12:00:00Z`).toLocaleDateString(undefined, { dateStyle: 'long' }) : undefined],
    ['Tags', (meta.get('tags') as Y.Array<string> | undefined)?.toArray().join(', ')]
  ]
  const table = rows.filter(([, v]) => v != null && v !== '').map(([k, v]) => `<tr><th>${k}</th><td>${escape(v!)}</td></tr>`)
  if (info.updated > 0) {
    table.push(`<tr><th>Last changed</th><td><time datetime="${new Date(info.updated).toISOString()}">${escape(longTime(info.updated))}</time></td></tr>`)
  }
  const body = sections.filter(s => s.html.trim() !== '')
    .map(s => `<section>\n<h2>${escape(s.heading)}</h2>\n${inlineCheckboxes(s.html)}\n</section>`)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escape(title)}</h1>
<table class="metadata">${table.join('')}</table>
${body.join('\n')}
</main>
<footer><p>${escape(licenceLine(String(meta.get('licence') ?? ''), info.ownerName))}</p></footer>
</body></html>
`
}
