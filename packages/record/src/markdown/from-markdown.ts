import * as Y from 'yjs'
import { InvalidInputError } from '@commonplace/core'
import { MAX_BODY_HEADING_LEVEL, MIN_BODY_HEADING_LEVEL, NodeName } from '../constants.ts'
import { TRAILING_NEWLINES } from './escape.ts'
import { inlineFromTokens } from './from-markdown-inline.ts'
import type { InlineItem, TextRun } from './inline.ts'
import { parseMarkdown, taskState } from './parse.ts'
import type { Token } from './parse.ts'

/** Attribute values a body node carries (`level`, `checked`, `start`, `language`, `colspan`…). */
export type NodeAttrs = Record<string, string | number | boolean>

/**
 * A block node of a section body, before or after it is inserted into a fragment. (Yjs types
 * element attributes as strings; y-prosemirror stores ProseMirror attribute values as they are.)
 */
export type BlockNode = Y.XmlElement

/** A block token with the tokens between it and its closing token, as a tree. */
interface Block {
  token: Token
  children: Block[]
}

/**
 * Parse Markdown (GFM) with markdown-it into block nodes shaped as y-prosemirror stores
 * a TipTap document: `Y.XmlElement`s named by node type with the node's attributes, and
 * `Y.XmlText` in textblocks with marks as formatting attributes. The nodes are not yet in
 * any document; insert them once (see `appendMarkdown`).
 *
 * Headings become `heading` nodes of level 3 to 6 (levels 1 and 2 are the record's title and
 * section headings); tables become `table` nodes (the editor needs TipTap's table extensions).
 * Time grows linearly with the text.
 * @throws InvalidInputError when `markdown` is not a string
 * @throws InputTooDeepError when quotes and lists nest deeper than `MAX_MARKDOWN_NESTING`
 */
export function markdownToBlocks (markdown: string): BlockNode[] {
  if (typeof markdown !== 'string') throw new InvalidInputError('markdown must be a string')
  return blocksOf(blockTree(parseMarkdown(markdown).tokens))
}

/**
 * Append Markdown to a section body (or any fragment), in one transaction when it is in a document.
 * @throws InvalidInputError when `markdown` is not a string
 * @throws InputTooDeepError when quotes and lists nest too deeply (nothing is appended)
 */
export function appendMarkdown (fragment: Y.XmlFragment, markdown: string): void {
  const blocks = markdownToBlocks(markdown)
  if (blocks.length === 0) return
  const insert = (): void => { insertAll(fragment, fragment.length, blocks) }
  if (fragment.doc != null) fragment.doc.transact(insert)
  else insert()
}

/**
 * The block tokens as a tree, built with a stack: markdown-it's stream is flat, and
 * `parseMarkdown` has bounded its depth, so converting the tree may recurse.
 */
function blockTree (tokens: Token[]): Block[] {
  const roots: Block[] = []
  const stack: Block[][] = [roots]
  for (const token of tokens) {
    if (token.nesting === -1) {
      if (stack.length > 1) stack.pop()
      continue
    }
    const block: Block = { token, children: [] }
    stack[stack.length - 1].push(block)
    if (token.nesting === 1) stack.push(block.children)
  }
  return roots
}

function blocksOf (blocks: Block[]): BlockNode[] {
  return blocks.flatMap(blockNodes)
}

function blockNodes (block: Block): BlockNode[] {
  const { token, children } = block
  switch (token.type) {
    case 'paragraph_open':
      return [paragraph(inlineOf(children))]
    case 'heading_open':
      return [heading(Number(token.tag.slice(1)), inlineOf(children))]
    case 'bullet_list_open':
    case 'ordered_list_open':
      return lists(block)
    case 'blockquote_open':
      return [element(NodeName.blockquote, {}, atLeastOneBlock(blocksOf(children)))]
    case 'fence':
    case 'code_block':
      return [codeBlock(token)]
    case 'hr':
      return [element(NodeName.horizontalRule)]
    case 'table_open':
      return [table(block)]
    default: // raw HTML blocks and anything unknown: keep the text, line by line
      return rawText(token.content)
  }
}

/** The inline items of a textblock: the children of its one `inline` token. */
function inlineOf (children: Block[]): InlineItem[] {
  return inlineFromTokens(children[0]?.token.children ?? [])
}

function element (name: string, attrs: NodeAttrs = {}, children: Array<BlockNode | Y.XmlText> = []): BlockNode {
  const node = new Y.XmlElement(name)
  const typed = node as unknown as Y.XmlElement<NodeAttrs>
  for (const [key, value] of Object.entries(attrs)) typed.setAttribute(key, value)
  insertAll(node, 0, children)
  return node
}

/**
 * Yjs spreads the nodes given to `insert` into one call's arguments, which overflows the stack
 * past about a hundred thousand (a list or table of that many items): insert them in chunks.
 */
const INSERT_CHUNK = 10_000

function insertAll (parent: Y.XmlElement | Y.XmlFragment, index: number, children: Array<BlockNode | Y.XmlText>): void {
  for (let i = 0; i < children.length; i += INSERT_CHUNK) parent.insert(index + i, children.slice(i, i + INSERT_CHUNK))
}

/** A textblock's children: one `Y.XmlText` per run of text between hard breaks, as y-prosemirror groups them. */
function inlineNodes (items: InlineItem[]): Array<BlockNode | Y.XmlText> {
  const nodes: Array<BlockNode | Y.XmlText> = []
  let runs: TextRun[] = []
  const flush = (): void => {
    if (runs.length > 0) nodes.push(textNode(runs))
    runs = []
  }
  for (const item of items) {
    if (item.kind === 'text') {
      runs.push(item)
    } else {
      flush()
      nodes.push(element(NodeName.hardBreak))
    }
  }
  flush()
  return nodes
}

function textNode (runs: TextRun[]): Y.XmlText {
  const text = new Y.XmlText()
  let index = 0
  for (const run of runs) {
    // Always pass attributes: `{}` ends the marks of the run before instead of inheriting them.
    text.insert(index, run.text, { ...run.marks })
    index += run.text.length
  }
  return text
}

function paragraph (items: InlineItem[]): BlockNode {
  return element(NodeName.paragraph, {}, inlineNodes(items))
}

function heading (depth: number, items: InlineItem[]): BlockNode {
  const level = Math.min(MAX_BODY_HEADING_LEVEL, Math.max(MIN_BODY_HEADING_LEVEL, depth))
  return element(NodeName.heading, { level }, inlineNodes(items))
}

function codeBlock (token: Token): BlockNode {
  const language = token.info.trim().split(/\s+/)[0]
  const code = token.content.replace(TRAILING_NEWLINES, '')
  const children = code === '' ? [] : [textNode([{ kind: 'text', text: code, marks: {} }])]
  return element(NodeName.codeBlock, language === '' ? {} : { language }, children)
}

function rawText (text: string): BlockNode[] {
  const lines = text.trim().split('\n')
  if (lines[0] === '') return []
  const items: InlineItem[] = lines.flatMap((line, i) => {
    const run: TextRun = { kind: 'text', text: line, marks: {} }
    return i === 0 ? [run] : [{ kind: 'break' as const }, run]
  })
  return [paragraph(items)]
}

/** A list; task items and plain items of one Markdown list are split into task and plain lists. */
function lists (block: Block): BlockNode[] {
  const out: BlockNode[] = []
  const ordered = block.token.type === 'ordered_list_open'
  let number = Number(block.token.attrGet('start') ?? 1)
  for (const run of runsOfTasks(block.children)) {
    if (taskState(run[0].token) !== undefined) out.push(element(NodeName.taskList, {}, run.map(taskItem)))
    else if (ordered) out.push(element(NodeName.orderedList, { start: number }, run.map(listItem)))
    else out.push(element(NodeName.bulletList, {}, run.map(listItem)))
    number += run.length
  }
  return out
}

function runsOfTasks (items: Block[]): Block[][] {
  const runs: Block[][] = []
  const isTask = (item: Block): boolean => taskState(item.token) !== undefined
  for (const item of items) {
    const last = runs.at(-1)
    if (last !== undefined && isTask(last[0]) === isTask(item)) last.push(item)
    else runs.push([item])
  }
  return runs
}

function listItem (item: Block): BlockNode {
  return element(NodeName.listItem, {}, itemBlocks(item))
}

function taskItem (item: Block): BlockNode {
  return element(NodeName.taskItem, { checked: taskState(item.token)?.checked === true }, itemBlocks(item))
}

/** A list item's blocks; TipTap's list and task items must start with a paragraph. */
function itemBlocks (item: Block): BlockNode[] {
  const blocks = blocksOf(item.children)
  if (blocks[0]?.nodeName !== NodeName.paragraph) blocks.unshift(element(NodeName.paragraph))
  return blocks
}

function atLeastOneBlock (blocks: BlockNode[]): BlockNode[] {
  return blocks.length > 0 ? blocks : [element(NodeName.paragraph)]
}

/** A table: the rows of its head and body; header cells are `th`. */
function table (block: Block): BlockNode {
  const rows = block.children.flatMap(section => section.children)
  const cell = (c: Block): BlockNode => element(c.token.type === 'th_open' ? NodeName.tableHeader : NodeName.tableCell,
    { colspan: 1, rowspan: 1 }, [paragraph(inlineOf(c.children))])
  return element(NodeName.table, {}, rows.map(row => element(NodeName.tableRow, {}, row.children.map(cell))))
}
