import { cpus, totalmem, platform, release } from 'node:os'
import type { BenchConfig, Metrics, Scenario } from './types.ts'

export interface ScenarioResult {
  workload: string
  variant: string
  system: string
  version: string
  versus?: string
  runs: Metrics[]
  median: Metrics
  min: Metrics
  max: Metrics
  error?: string
}

export interface BenchReport {
  generatedAt: string
  machine: { cpu: string, cores: number, memoryGB: number, node: string, os: string }
  config: BenchConfig
  results: ScenarioResult[]
}

export function machine (): BenchReport['machine'] {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`
  }
}

export function summarise (scenario: Scenario, runs: Metrics[], error?: string): ScenarioResult {
  const keys = [...new Set(runs.flatMap(r => Object.keys(r)))]
  const pick = (f: (xs: number[]) => number): Metrics => Object.fromEntries(keys.map(k => [k, f(runs.map(r => r[k]).filter(v => Number.isFinite(v)))]))
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b)
  return {
    workload: scenario.workload,
    variant: scenario.variant,
    system: scenario.system,
    version: scenario.version,
    ...(scenario.versus != null ? { versus: scenario.versus } : {}),
    runs,
    median: pick(xs => sorted(xs)[Math.floor((xs.length - 1) / 2)]),
    min: pick(xs => Math.min(...xs)),
    max: pick(xs => Math.max(...xs)),
    ...(error != null ? { error } : {})
  }
}

/** The metric that decides each workload's ratio column. */
const HEADLINE: Record<string, string[]> = {
  'initial-sync': ['ms', 'bytes', 'peakRssMB', 'firstMs', 'cpuMsB', 'idleMsB'],
  reconnect: ['ms', 'bytes'],
  'edit-latency': ['p50Ms', 'p99Ms'],
  trace: ['ms', 'bytes', 'updateBytes', 'encodedBytes', 'cpuMs', 'versions', 'versionBytes', 'diskBytes', 'diskBytesB'],
  footprint: ['startMs', 'idleRssMB', 'openRssMB', 'heldDocKB'],
  selective: ['bytes', 'unsharedDocsAtB'],
  'many-nodes': ['p50Ms', 'maxMs'],
  'web-load': ['fcpMs', 'listMs', 'maxFcpMs', 'maxListMs', 'kB', 'apiCalls', 'repeatedApiCalls']
}

function fmt (n: number | undefined): string {
  if (n == null || !Number.isFinite(n)) return '–'
  if (Math.abs(n) >= 100_000) return Math.round(n).toLocaleString('en')
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

/** A Markdown table: one row per workload, variant and system; median (min–max); × = other / commonplace. */
export function table (results: ScenarioResult[]): string {
  const lines = ['| workload | variant | system | metrics: median (min–max) | vs commonplace |', '| --- | --- | --- | --- | --- |']
  for (const r of results) {
    const keys = HEADLINE[r.workload] ?? Object.keys(r.median)
    const ours = results.find(o => o.system === 'commonplace' && o.workload === r.workload && o.variant === (r.versus ?? r.variant))
    const metrics = r.error != null
      ? `failed: ${r.error.split('\n')[0]}`
      : keys.filter(k => k in r.median).map(k => `${k} ${fmt(r.median[k])}${r.runs.length > 1 ? ` (${fmt(r.min[k])}–${fmt(r.max[k])})` : ''}`).join('; ')
    const ratio = ours != null && ours !== r && r.error == null
      ? keys.filter(k => k in r.median && k in ours.median && ours.median[k] > 0).slice(0, 2).map(k => `${k} ×${fmt(r.median[k] / ours.median[k])}`).join('; ')
      : ''
    lines.push(`| ${r.workload} | ${r.variant} | ${r.system} | ${metrics} | ${ratio} |`)
  }
  return lines.join('\n')
}
