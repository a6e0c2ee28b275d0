import { setFlagsFromString } from 'node:v8'

/**
 * Keep V8's young generation at its first size (2 MiB) for the life of the process. By default V8
 * doubles it whenever many objects survive a scavenge, up to a bound set by the machine's memory
 * (a young generation of 128 MiB on a 24 GiB machine, measured), and gives it back only when it
 * finds the process idle. A node under steady edits grew it in steps to 64 MiB and gave it back
 * minutes later, over and over: in an 8-minute run of the soak (six nodes) resident memory moved
 * between 117 and 173 MiB while the heap in use stayed within 33-55 MiB; kept small, it stayed
 * within 127-138 MiB, with the same event-loop delay (docs/reliability.md, "Soak").
 * Used by bin.ts and by the benchmark's footprint process.
 */
export function keepYoungGenerationSmall (): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}
