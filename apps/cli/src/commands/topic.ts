/** `topic …`: the topics a learning network co-creates around. */
import { UsageError } from '../errors.ts'
import { table, truncate } from '../output.ts'
import type { CommandSpec } from '../command.ts'
import type { TopicView } from '../node-api.ts'

export const topicCreateCommand: CommandSpec = {
  name: 'topic create',
  args: ['NETID'],
  options: ['title', 'brief'],
  usage: 'topic create NETID --title T [--brief TEXT]',
  summary: "Seed a topic in a network (facilitators) and print its id",
  details: [
    '--title T       the topic',
    '--brief TEXT    what the network should work out about it',
    'A topic is a document (kind topic) shared with the network.'
  ],
  examples: ['commonplace topic create net_… --title "Shift planning that staff help design" --brief "What works in 24/7 units?"'],
  async run ({ client, out, options, args: [network] }) {
    if (options.title == null || options.title.trim() === '') throw new UsageError("'topic create' needs --title T", 'topic create')
    const topic = await (await client()).createTopic(network, { title: options.title, ...(options.brief == null ? {} : { brief: options.brief }) })
    out.result(topic, topic.id)
  }
}

export const topicListCommand: CommandSpec = {
  name: 'topic list',
  args: ['NETID'],
  options: [],
  usage: 'topic list NETID',
  summary: "List a network's topics and how many documents each has",
  examples: ['commonplace topic list net_…'],
  async run ({ client, out, args: [network] }) {
    const topics = await (await client()).listTopics(network)
    out.result(topics, () => formatTopics(topics))
  }
}

export const topicAttachCommand: CommandSpec = {
  name: 'topic attach',
  args: ['NETID', 'TOPIC', 'DOCID'],
  options: [],
  usage: 'topic attach NETID TOPIC DOCID',
  summary: 'Attach a document to a topic (a document you own is shared read with the network)',
  examples: ['commonplace topic attach net_… 7h2k… 3xkq…'],
  async run ({ client, out, args: [network, topic, doc] }) {
    const view = await (await client()).attachToTopic(network, topic, doc)
    out.result(view, `Attached ${doc} to ${view.title} (${view.id})`)
  }
}

export const TOPIC_COMMANDS: readonly CommandSpec[] = [topicCreateCommand, topicListCommand, topicAttachCommand]

function formatTopics (topics: TopicView[]): string {
  if (topics.length === 0) return 'No topics.'
  return table(['ID', 'TITLE', 'DOCUMENTS', 'BRIEF'],
    topics.map(t => [t.id, truncate(t.title, 40), String(t.attachments.length), truncate(t.brief, 50)]))
}
