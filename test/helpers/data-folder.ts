/** Data folders on disk: creating them, and reading every byte in them. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

/** A new, empty folder under the OS temp dir (mode 0700). Remove it when done. */
export function tempDataDir (label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24) || 'node'
  return mkdtempSync(join(tmpdir(), `commonplace-e2e-${safe}-`))
}

/** Every regular file under `dir` (recursively), with its bytes as they are on disk now. */
export function readAllFiles (dir: string): Array<{ path: string, bytes: Buffer }> {
  const files: Array<{ path: string, bytes: Buffer }> = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    files.push({ path: relative(dir, full), bytes: readFileSync(full) })
  }
  return files.sort((a, b) => a.path.localeCompare(b.path))
}

/** The files under `dir` whose bytes contain `text` encoded as UTF-8. */
export function filesContaining (dir: string, text: string, files = readAllFiles(dir)): string[] {
  const needle = Buffer.from(text, 'utf8')
  return files.filter(f => f.bytes.indexOf(needle) >= 0).map(f => f.path)
}
