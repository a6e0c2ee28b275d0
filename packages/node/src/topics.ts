/**
 * Topics: a facilitator seeds a topic as a record (kind `topic-seed`) shared with the network at
 * `edit`, so every member can read it and add to its Discussion section; members attach their
 * documents to it (a `_topic` map in the same Y.Doc records the network and the attachments).
 */
import { ForbiddenError, NotFoundError, networksOf, parseDocId } from '@commonplace/core'
import type { DocId, DocumentStore, OrgId } from '@commonplace/core'
import { readRecord } from '@commonplace/record'
import * as Y from 'yjs'
import type { Roster } from '@commonplace/network'
import type { CreateTopicRequest, LocalApi, TopicView } from '@commonplace/api'

export interface DocApi {
  store: DocumentStore
  createDoc: LocalApi['createDoc']
  share: LocalApi['share']
}

const TOPIC_MAP = '_topic'

export function createTopicApi (init: {
  docs: DocApi
  rosterOf: (id: string) => Roster
  requireFacilitator: (roster: Roster) => void
  self: OrgId
}): Pick<LocalApi, 'createTopic' | 'listTopics' | 'attachToTopic'> {
  const { docs, self } = init
  const store = docs.store

  const view = (id: DocId): TopicView => store.read(id, doc => {
    const record = readRecord(doc)
    const topic = doc.getMap<unknown>(TOPIC_MAP)
    const attachments = (topic.get('attachments') as Y.Array<{ id: DocId, attachedBy: OrgId }> | undefined)?.toArray() ?? []
    return {
      id,
      network: topic.get('network') as TopicView['network'],
      title: record.meta.title,
      brief: record.sections.find(s => s.heading === 'Brief')?.markdown ?? '',
      createdBy: store.access(id)?.header.owner as OrgId,
      attachments: attachments.map(a => ({ ...a, ...(store.has(a.id) ? { title: store.info(a.id)?.title } : {}) }))
    }
  })

  const topicsOf = (network: string): DocId[] => store.list()
    .filter(info => info.kind === 'topic-seed' && store.read(info.id, doc => doc.getMap(TOPIC_MAP).get('network')) === network)
    .map(info => info.id)

  return {
    async createTopic (network, request: CreateTopicRequest) {
      const roster = init.rosterOf(network)
      init.requireFacilitator(roster)
      // createTopicRequest (@commonplace/api) checked the title
      const brief = request.brief ?? ''
      const created = await docs.createDoc({
        title: request.title, kind: 'topic-seed', sections: [{ heading: 'Brief', text: brief }, { heading: 'Discussion', text: '' }]
      })
      store.edit(created.id, doc => {
        const topic = doc.getMap(TOPIC_MAP)
        topic.set('network', roster.network)
        topic.set('attachments', new Y.Array())
      })
      await docs.share(created.id, { with: roster.network, role: 'edit' })
      return view(created.id)
    },
    async listTopics (network) {
      init.rosterOf(network)
      return topicsOf(network).map(view)
    },
    async attachToTopic (network, topicId, docId) {
      const roster = init.rosterOf(network)
      if (!roster.members.has(self)) throw new ForbiddenError(`This organisation is not a member of ${roster.name}`)
      const topic = parseDocId(topicId)
      const doc = parseDocId(docId)
      if (!topicsOf(network).includes(topic)) throw new NotFoundError(`No topic ${topic} in ${roster.name} here`)
      if (!store.has(doc)) throw new NotFoundError(`No document ${doc} here`)
      // a document of ours becomes readable by the network, so that the attachment can be opened
      const acl = store.access(doc)
      if (acl?.header.owner === self && !networksOf(acl).includes(roster.network)) {
        await docs.share(doc, { with: roster.network, role: 'read' })
      }
      store.edit(topic, ydoc => {
        const list = ydoc.getMap(TOPIC_MAP).get('attachments') as Y.Array<{ id: DocId, attachedBy: OrgId }> | undefined
        if (list == null) throw new NotFoundError('This topic has no attachment list')
        if (!list.toArray().some(a => a.id === doc)) list.push([{ id: doc, attachedBy: self }])
      })
      return view(topic)
    }
  }
}
