import { existsSync, readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/** One transaction of an editing trace: patches are [position, deleted, inserted]. */
export interface TraceTxn {
  patches: Array<[number, number, string]>
  agent?: number
  parents?: number[]
}

export interface EditingTrace {
  startContent?: string
  endContent: string
  txns: TraceTxn[]
}

/** The shared data folder beside the repository (`../shared/data`), or `$COMMONPLACE_SHARED_DATA`. */
export function sharedDataDir (): string {
  return process.env.COMMONPLACE_SHARED_DATA ?? join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'data')
}

/** Load `editing-traces/<name>.json.gz` (josephg/editing-traces format). */
export function loadTrace (name: string): EditingTrace {
  const file = join(sharedDataDir(), 'editing-traces', `${name}.json.gz`)
  if (!existsSync(file)) {
    throw new Error(`The editing trace ${file} is missing: the shared data folder sits beside the repository (../shared/data), or set COMMONPLACE_SHARED_DATA`)
  }
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as EditingTrace
}

/** The trace cut to its first `limit` transactions; its end content is then unknown (undefined). */
export function limitTrace (trace: EditingTrace, limit: number): { txns: TraceTxn[], endContent?: string } {
  if (limit >= trace.txns.length) return { txns: trace.txns, endContent: trace.endContent }
  return { txns: trace.txns.slice(0, limit) }
}
