/**
 * `promise`'s value, or undefined once `ms` have passed without it settling: for steps the page
 * shows the person while it waits (opening a document) and must not wait on forever. A rejection
 * within the time is passed on; `promise` itself runs on.
 */
export async function within<T> (promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([promise, new Promise<undefined>(resolve => { timer = setTimeout(() => { resolve(undefined) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}
