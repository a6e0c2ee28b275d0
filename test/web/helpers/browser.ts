/**
 * Debian's Chromium driven by playwright-core (no browser download: `.ci/run` installs
 * /usr/bin/chromium when it is missing). Override the path with CHROMIUM_PATH.
 */
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Chromium; `args` adds switches (a host resolver rule, say). */
export async function launchChromium (args: string[] = []): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args]
  })
}
