import type { InputOptions, OutputOptions } from 'rolldown'

/**
 * Rolldown options: `input` (name → entry file) bundled into `dir` as `<name>.mjs` and its chunks.
 * `npmPackages: 'import'` leaves npm packages as imports (a script run beside its node_modules).
 */
export function bundleOptions (init: { input: Record<string, string>, dir: string, npmPackages?: 'bundle' | 'import' }): InputOptions & { output: OutputOptions }
