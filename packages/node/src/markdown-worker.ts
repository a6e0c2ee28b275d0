/**
 * The Markdown worker (a worker thread; started by off-loop.ts): builds the Yjs update of a large
 * create or edit request, so that parsing the Markdown and building the record's Yjs structure
 * (seconds for a megabyte of tables and lists) does not hold the node's event loop. It holds no
 * state between requests and touches neither the disk nor the network.
 */
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'
import { isCommonplaceError } from '@commonplace/core'
import type { OrgId } from '@commonplace/core'
import { initRecord, recordKind, recordTitle } from '@commonplace/record'
import type { CreateDocRequest, EditDocRequest } from '@commonplace/api'
import { applyEdit, toRecordInit } from './record-requests.ts'
import { changedSections } from './section-changes.ts'

/**
 * A request to the worker. `stored` holds the document's updates as the store has them; `client`
 * is the Yjs client id to write with (the store's `preparedClient`, so that it can sign the update).
 */
export type WorkerRequest =
  | { call: number, op: 'create', request: CreateDocRequest, owner: OrgId, now: number, client: number }
  | { call: number, op: 'edit', request: EditDocRequest, stored: Uint8Array[], now: number, client: number }

/** The answer: the update and what it does to the index entry, or a typed error's code and message. */
export type WorkerAnswer =
  | { call: number, update: Uint8Array | null, stateVector: Uint8Array, title: string, kind: string, parts: { changed: string[], removed: string[] } }
  | { call: number, error: { code: string, message: string } }

function build (message: WorkerRequest): Omit<Extract<WorkerAnswer, { update: unknown }>, 'call'> {
  const doc = new Y.Doc()
  doc.clientID = message.client
  if (message.op === 'edit') {
    doc.transact(() => { for (const update of message.stored) Y.applyUpdate(doc, update) })
  }
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => { updates.push(update) })
  let parts = { changed: [] as string[], removed: [] as string[] }
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    const touched = changedSections(tr)
    parts = { changed: [...touched.changed], removed: [...touched.removed] }
  })
  doc.transact(() => {
    if (message.op === 'create') initRecord(doc, { ...toRecordInit(message.request, message.owner), now: message.now })
    else applyEdit(doc, message.request, message.now)
  })
  const update = updates.length === 0 ? null : updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
  return { update, stateVector: Y.encodeStateVector(doc), title: recordTitle(doc), kind: recordKind(doc), parts }
}

parentPort?.on('message', (message: WorkerRequest) => {
  let answer: WorkerAnswer
  try {
    answer = { call: message.call, ...build(message) }
  } catch (err) {
    const error = isCommonplaceError(err)
      ? { code: err.code, message: err.message }
      : { code: 'ERR_INTERNAL', message: (err as Error).message ?? String(err) }
    answer = { call: message.call, error }
  }
  const transfer = 'update' in answer && answer.update != null ? [answer.update.buffer as ArrayBuffer] : []
  parentPort?.postMessage(answer, transfer)
})
