/**
 * The demo's learning network (../shared/DOMAIN.md): the Northfield & Canal PCN, its three
 * practices and their documents, as Markdown with front matter. All fictional.
 */

export interface DemoOrg {
  key: 'riverside' | 'hillview' | 'canal' | 'pcn'
  name: string
  /** Offset from the demo's base port: TCP for peers is base + offset, the local API base + 10 + offset. */
  offset: number
}

export const DEMO_ORGS: readonly DemoOrg[] = [
  { key: 'riverside', name: 'Riverside Surgery', offset: 0 },
  { key: 'hillview', name: 'Hillview Medical Practice', offset: 1 },
  { key: 'canal', name: 'Canal Street Health Centre', offset: 2 },
  { key: 'pcn', name: 'Northfield & Canal PCN', offset: 3 }
]

export const DEMO_NETWORK = 'Northfield & Canal PCN'

export const BLOOD_RESULTS = `---
kind: protocol
maturity: stable
status: approved
licence: CC-BY-4.0
---
# Handling abnormal blood results: who acts, by when

## Problem
Abnormal results sit in the clinical inbox over a weekend, and nobody is sure who acts on them.

## Practice
1. The duty doctor reviews every result flagged abnormal by 4 pm on the day it arrives.
2. Red results: the patient is phoned the same day; amber: a task to the usual GP.
3. Reception books the follow-up the doctor asks for.

## Resources
One duty doctor per day; a results template in the clinical system.

## Evidence
An audit over three months: no red result waited more than one working day.
`

export const REPEAT_PRESCRIPTIONS = `---
kind: procedure
maturity: agreed
status: approved
---
# Repeat prescription requests: 2-working-day turnaround

## Problem
Patients phone repeatedly about repeat prescriptions that take a week.

## Practice
1. Requests come in online or at reception, never by phone.
2. The prescription clerk prepares them the same day; a GP signs within two working days.
3. The pharmacy is told electronically.
`

export const FRIDGE_BREACH = `---
kind: checklist
maturity: stable
status: approved
---
# Vaccine fridge cold-chain breach: first-hour checklist

## National guidance
Quarantine the stock, keep it refrigerated, record the temperatures, and ask the manufacturer.

## Local arrangements
The practice nurse on duty leads; the practice manager phones the screening and immunisation team.
`

/** Hillview's change to its variant of Riverside's protocol. */
export const HILLVIEW_MONDAYS = 'On Mondays two duty doctors share the results inbox: one before noon, one after.'
/** Riverside's later change to its own protocol (an upstream change for Hillview). */
export const RIVERSIDE_EVENINGS = 'Results that arrive after 6 pm go to the next morning\'s duty doctor.'
