import * as Y from 'yjs'
import type { OrgId } from '@commonplace/core'
import type { RecordInit } from '../src/index.ts'

/** Fictional organisations of DOMAIN.md, with real Ed25519 peer ids. */
export const RIVERSIDE = '12D3KooWNhgnBjTuHEk6LRcFGtBM2EwU1j25QyKoWbVjvpUp3Gej' as OrgId
export const HILLVIEW = '12D3KooWKPp4BD2Qg8XJsUzRYEhJzNdwdFeqGYyZCCWJrZot2CLd' as OrgId
export const NORDHEIDE = '12D3KooWJkfEVm3BDYUTaN3qSBSJYgu6Kwo1y3iU65pVKDBH2JHR' as OrgId
export const CANAL_STREET = '12D3KooWCVfV4q8aJLrJQ2SEQ98wWHtJ42mt8K9NaxSCQWiAEMeW' as OrgId

/** 2025-03-01T09:00:00Z */
export const T0 = 1_740_819_600_000

export const BLOOD_RESULTS_PRACTICE = `Results arrive in the **workflow inbox** by 10:00. The *duty doctor* acts on every
abnormal result the same working day.

1. Reception files results to the duty doctor's inbox.
2. The duty doctor triages: **urgent** (same day), *routine* (within 3 working days).
3. The practice nurse phones patients and records \`RESULT-ACTIONED\`.

| Role | Acts by |
| --- | --- |
| Duty doctor | 12:00 |
| Practice nurse | 16:00 |

See the [PCN pathology guide](https://example.nhs.uk/pathology).`

export function bloodResultsInit (owner: OrgId = RIVERSIDE): RecordInit {
  return {
    title: 'Handling abnormal blood results: who acts, by when',
    owner,
    kind: 'protocol',
    summary: 'Who acts on abnormal blood results and by when, so that none wait over a weekend.',
    language: 'en-GB',
    sector: 'primary care',
    maturity: 'stable',
    status: 'approved',
    licence: 'CC-BY-4.0',
    tags: ['pathology', 'results', 'safety'],
    now: T0,
    sections: [
      { heading: 'Problem', markdown: 'Abnormal results waited in a shared inbox over weekends.' },
      { heading: 'Practice', markdown: BLOOD_RESULTS_PRACTICE },
      { heading: 'Local arrangements', markdown: '> Mondays: two duty doctors share the inbox.' }
    ]
  }
}

export const BAUGRUBE_MARKDOWN = `---
title: Baugrube sichern
kind: checklist
maturity: stable
status: approved
licence: CC-BY-SA-4.0
language: de
tags:
  - Tiefbau
  - Ausbildung
---

# Baugrube sichern – Checkliste für Auszubildende

Für Auszubildende im **ersten** Lehrjahr.

## Aufgabe

Eine Baugrube über 1,25 m Tiefe sichern, bevor jemand hineinsteigt.

## Gefährdungen

- Einsturz der Böschung
- Leitungen im Erdreich (Gas, Strom)

## Maßnahmen

- [x] Leitungsauskunft liegt vor
- [ ] Böschungswinkel ≤ 45° oder Verbau gestellt
- [ ] Absturzsicherung ab 2,00 m Tiefe

### Verbau

Grabenverbaugeräte nur nach *Herstellerangaben* einsetzen.

## Qualitätsprüfung

Prüfer:in unterschreibt das Übergabeprotokoll. Größe & Gewicht prüfen.
`

/** Copy every update of `a` that `b` lacks, and back. */
export function exchange (a: Y.Doc, b: Y.Doc): void {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
  Y.applyUpdate(b, toB)
  Y.applyUpdate(a, toA)
}

/** A copy of `doc` with another client id, as a peer would hold it. */
export function replica (doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

/** A node of a body as plain data: element name, attributes and children, or a text's delta. */
export type Tree = { name: string, attrs: Record<string, unknown>, children: Tree[] } | { delta: unknown[] }

/** A fragment's (or element's) children as plain data, to assert the exact y-prosemirror shape. */
export function tree (node: Y.XmlFragment): Tree[] {
  return node.toArray().map(child => {
    if (child instanceof Y.XmlText) return { delta: child.toDelta() }
    const element = child as Y.XmlElement
    return { name: element.nodeName, attrs: element.getAttributes() as Record<string, unknown>, children: tree(element) }
  })
}

/** Insert prelim blocks into a fresh document's fragment and return it. */
export function fragmentOf (blocks: Array<Y.XmlElement | Y.XmlText>): Y.XmlFragment {
  const fragment = new Y.Doc().getXmlFragment('body')
  fragment.insert(0, blocks)
  return fragment
}
