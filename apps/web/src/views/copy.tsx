import { useRef, useState } from 'preact/hooks'

interface Props {
  /** The field's label (visible). */
  label: string
  text: string
  rows?: number
  /** The Copy button's accessible name, when a view has more than one. */
  buttonLabel?: string
}

/**
 * A text to hand on (an invitation code, a request message): read-only, selected on focus, with
 * a **Copy** button. Without clipboard access the text is selected for Ctrl+C instead.
 */
export function CopyField ({ label, text, rows = 3, buttonLabel }: Props) {
  const field = useRef<HTMLTextAreaElement>(null)
  const [done, setDone] = useState('')
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setDone('Copied')
    } catch {
      field.current?.focus()
      field.current?.select()
      setDone('Selected: press Ctrl+C (⌘C on a Mac) to copy it')
    }
  }
  return (
    <div class="copy-field">
      <label>{label}
        <textarea aria-label={label} ref={field} readOnly rows={rows} value={text} onFocus={e => { e.currentTarget.select() }} />
      </label>
      <div class="actions">
        <button type="button" aria-label={buttonLabel} onClick={copy}>Copy</button>
        <span role="status" class="copied">{done}</span>
      </div>
    </div>
  )
}
