import type { InputOptions, OutputOptions } from 'rolldown'

/** Rolldown options: `input` (name → entry file) bundled into `dir` as `<name>.mjs` and its chunks. */
export function bundleOptions (init: { input: Record<string, string>, dir: string }): InputOptions & { output: OutputOptions }
