import { useState } from 'preact/hooks'

/** One thing the combobox offers: an organisation or a network, by name. */
export interface Choice { id: string, name: string, detail: string }

interface Props {
  id: string
  label: string
  /** The popup list's name (not the field's: no two controls share a name). */
  listLabel: string
  choices: Choice[]
  value: string
  /** The text typed, and the choice it is when one was picked (and not edited since). */
  onInput: (text: string, choice?: Choice) => void
  placeholder?: string
}

const MAX_SHOWN = 20

/**
 * A type-ahead (the ARIA 1.2 combobox pattern with a list popup): typing filters the choices by
 * name; Down/Up move through them, Enter picks, Escape closes; a click picks too. Anything else
 * typed (a raw id) is kept as it is.
 */
export function Combobox ({ id, label, listLabel, choices, value, onInput, placeholder }: Props) {
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const needle = value.trim().toLowerCase()
  const shown = choices.filter(c => needle === '' || c.name.toLowerCase().includes(needle)).slice(0, MAX_SHOWN)
  const expanded = open && shown.length > 0
  const listId = `${id}-list`
  const pick = (choice: Choice): void => {
    onInput(choice.name, choice)
    setOpen(false)
    setActive(-1)
  }
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (!expanded) { setOpen(true); setActive(e.key === 'ArrowDown' ? 0 : shown.length - 1); return }
      const step = e.key === 'ArrowDown' ? 1 : -1
      setActive((active + step + shown.length) % shown.length)
    } else if (e.key === 'Enter' && expanded && active >= 0 && active < shown.length) {
      e.preventDefault() // pick, do not submit the form yet
      pick(shown[active])
    } else if (e.key === 'Escape' && expanded) {
      e.preventDefault()
      setOpen(false)
      setActive(-1)
    }
  }
  return (
    <div class="combobox">
      <label for={id}>{label}</label>
      <input
        id={id} type="text" role="combobox" autoComplete="off" required
        aria-autocomplete="list" aria-expanded={expanded} aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={value} placeholder={placeholder}
        onInput={e => { onInput(e.currentTarget.value); setOpen(true); setActive(-1) }}
        onFocus={() => { setOpen(true) }}
        onClick={() => { setOpen(true) }}
        onBlur={() => { setOpen(false); setActive(-1) }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={listLabel} class="combobox-list" hidden={!expanded}>
        {shown.map((c, i) => (
          <li
            key={c.id} id={`${listId}-${i}`} role="option" aria-selected={i === active}
            class={i === active ? 'active' : undefined}
            // mousedown, not click: the input keeps the focus (its blur would close the list first)
            onMouseDown={e => { e.preventDefault(); pick(c) }}
          >
            <span class="name">{c.name}</span> <span class="meta">{c.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}
