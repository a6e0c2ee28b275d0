import { describe, it, expect } from 'vitest'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

async function commonplace (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, COMMONPLACE_DATA: '/nonexistent-commonplace' } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('bin.ts as a process', () => {
  it('has a node shebang', async () => {
    expect((await readFile(BIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  it('prints help and exits 0', async () => {
    const result = await commonplace('help')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: commonplace COMMAND')
  })

  it('exits 2 when no node runs', async () => {
    const result = await commonplace('status')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('commonplace: No Commonplace node is running for /nonexistent-commonplace (start one with: commonplace start --data /nonexistent-commonplace)\n')
  })

  it('exits 64 on a usage error', async () => {
    const result = await commonplace('frobnicate')
    expect(result.code).toBe(64)
  })
})
