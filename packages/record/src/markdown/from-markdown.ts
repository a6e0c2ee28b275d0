import * as Y from 'yjs'
import { Lexer } from 'marked'
import type { Token, Tokens } from 'marked'
import { InvalidInputError } from '@commonplace/core'
import { MAX_BODY_HEADING_LEVEL, MIN_BODY_HEADING_LEVEL, NodeName } from '../constants.ts'
import { inlineFromTokens } from './from-markdown-inline.ts'
import type { InlineItem, TextRun } from './inline.ts'

/** Attribute values a body node carries (`level`, `checked`, `start`, `language`, `colspan`…). */
export type NodeAttrs = Record<string, string | number | boolean>

/**
 * A block node of a section body, before or after it is inserted into a fragment. (Yjs types
 * element attributes as strings; y-prosemirror stores ProseMirror attribute values as they are.)
 */
export type BlockNode = Y.XmlElement

type ListItem = Tokens.ListItem

/**
 * Parse Markdown (GFM) with `marked`'s lexer into block nodes shaped as y-prosemirror stores
 * a TipTap document: `Y.XmlElement`s named by node type with the node's attributes, and
 * `Y.XmlText` in textblocks with marks as formatting attributes. The nodes are not yet in
 * any document; insert them once (see `appendMarkdown`).
 *
 * Headings become `heading` nodes of level 3 to 6 (levels 1 and 2 are the record's title and
 * section headings); tables become `table` nodes (the editor needs TipTap's table extensions).
 * @throws InvalidInputError when `markdown` is not a string
 */
export function markdownToBlocks (markdown: string): BlockNode[] {
  if (typeof markdown !== 'string') throw new InvalidInputError('markdown must be a string')
  return blocksFromTokens(lex(markdown))
}

/**
 * Append Markdown to a section body (or any fragment), in one transaction when it is in a document.
 * @throws InvalidInputError when `markdown` is not a string
 */
export function appendMarkdown (fragment: Y.XmlFragment, markdown: string): void {
  const blocks = markdownToBlocks(markdown)
  if (blocks.length === 0) return
  const insert = (): void => fragment.insert(fragment.length, blocks)
  if (fragment.doc != null) fragment.doc.transact(insert)
  else insert()
}

/**
 * The lexer with GitHub-flavoured Markdown and fresh options, so that extensions someone
 * registered globally with `marked.use()` do not change how records parse.
 */
export function lex (markdown: string): Token[] {
  return Lexer.lex(markdown, { gfm: true })
}

/** Block nodes for a list of block-level tokens. */
export function blocksFromTokens (tokens: Token[]): BlockNode[] {
  return tokens.flatMap(blockFromToken)
}

function blockFromToken (token: Token): BlockNode[] {
  switch (token.type) {
    case 'paragraph':
      return [paragraph(inlineFromTokens((token as Tokens.Paragraph).tokens))]
    case 'text': // the text of a tight list item
      return [paragraph(inlineFromTokens([token]))]
    case 'heading':
      return [heading(token as Tokens.Heading)]
    case 'list':
      return lists(token as Tokens.List)
    case 'blockquote':
      return [element(NodeName.blockquote, {}, atLeastOneBlock(blocksFromTokens((token as Tokens.Blockquote).tokens)))]
    case 'code':
      return [codeBlock(token as Tokens.Code)]
    case 'hr':
      return [element(NodeName.horizontalRule)]
    case 'table':
      return [table(token as Tokens.Table)]
    case 'space':
    case 'def':
    case 'checkbox':
      return []
    default: // raw HTML blocks and anything unknown: keep the text, line by line
      return rawText(typeof (token as Tokens.Generic).text === 'string' ? (token as Tokens.Generic).text : token.raw)
  }
}

function element (name: string, attrs: NodeAttrs = {}, children: Array<BlockNode | Y.XmlText> = []): BlockNode {
  const node = new Y.XmlElement(name)
  const typed = node as unknown as Y.XmlElement<NodeAttrs>
  for (const [key, value] of Object.entries(attrs)) typed.setAttribute(key, value)
  if (children.length > 0) node.insert(0, children)
  return node
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

function heading (token: Tokens.Heading): BlockNode {
  const level = Math.min(MAX_BODY_HEADING_LEVEL, Math.max(MIN_BODY_HEADING_LEVEL, token.depth))
  return element(NodeName.heading, { level }, inlineNodes(inlineFromTokens(token.tokens)))
}

function codeBlock (token: Tokens.Code): BlockNode {
  const language = (token.lang ?? '').trim().split(/\s+/)[0]
  const code = token.text.replace(/\n+$/, '')
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
function lists (token: Tokens.List): BlockNode[] {
  const out: BlockNode[] = []
  let number = typeof token.start === 'number' ? token.start : 1
  for (const run of runsOfTasks(token.items)) {
    if (run[0].task) out.push(element(NodeName.taskList, {}, run.map(taskItem)))
    else if (token.ordered) out.push(element(NodeName.orderedList, { start: number }, run.map(listItem)))
    else out.push(element(NodeName.bulletList, {}, run.map(listItem)))
    number += run.length
  }
  return out
}

function runsOfTasks (items: ListItem[]): ListItem[][] {
  const runs: ListItem[][] = []
  for (const item of items) {
    const last = runs.at(-1)
    if (last !== undefined && last[0].task === item.task) last.push(item)
    else runs.push([item])
  }
  return runs
}

function listItem (item: ListItem): BlockNode {
  return element(NodeName.listItem, {}, itemBlocks(item))
}

function taskItem (item: ListItem): BlockNode {
  return element(NodeName.taskItem, { checked: item.checked === true }, itemBlocks(item))
}

/** A list item's blocks; TipTap's list and task items must start with a paragraph. */
function itemBlocks (item: ListItem): BlockNode[] {
  const blocks = blocksFromTokens(item.tokens)
  if (blocks[0]?.nodeName !== NodeName.paragraph) blocks.unshift(element(NodeName.paragraph))
  return blocks
}

function atLeastOneBlock (blocks: BlockNode[]): BlockNode[] {
  return blocks.length > 0 ? blocks : [element(NodeName.paragraph)]
}

function table (token: Tokens.Table): BlockNode {
  const row = (cells: Tokens.TableCell[], header: boolean): BlockNode => element(NodeName.tableRow, {}, cells.map(cell =>
    element(header ? NodeName.tableHeader : NodeName.tableCell, { colspan: 1, rowspan: 1 }, [paragraph(inlineFromTokens(cell.tokens))])
  ))
  return element(NodeName.table, {}, [row(token.header, true), ...token.rows.map(cells => row(cells, false))])
}
