/**
 * The diffusion curve: how many organisations were trialling, had adopted or had adapted
 * practices, month by month, as an SVG line chart and, for screen readers and for reading exact
 * figures, the same numbers as a table. Lines differ by colour, dash and a label at their end,
 * so that no reading depends on colour alone (WCAG 1.4.1).
 */

/** One line of the chart: its label and a value per month (the same months for every line). */
export interface Series {
  key: string
  label: string
  /** Printed at the line's end instead of `label` when that is too long for the chart's margin. */
  short?: string
  values: number[]
}

interface Props {
  /** `YYYY-MM`, oldest first. */
  months: string[]
  series: Series[]
  /** The chart's name (its accessible name and the table's caption). */
  title: string
}

const WIDTH = 640
const HEIGHT = 260
const PAD = { left: 36, right: 96, top: 14, bottom: 30 }
/** Colour and dash per line: the three have at least 3:1 against white (WCAG 1.4.11). */
const STYLES = [
  { colour: '#1f5f99', dash: '' },
  { colour: '#2e7d32', dash: '6 4' },
  { colour: '#a3460b', dash: '2 3' },
  { colour: '#6a3d9a', dash: '10 3 2 3' }
]

/** Made once: `toLocaleDateString` with options builds a formatter at every call (the chart and its tables name hundreds of months). */
const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' })

/** "Mar 2026" for "2026-03". */
export function monthText (month: string): string {
  const [y, m] = month.split('-').map(Number)
  if (!Number.isFinite(y) || !Number.isFinite(m)) return month
  return MONTH.format(new Date(Date.UTC(y, m - 1, 1)))
}

/**
 * The y of each line's end label, moved apart so that none overlaps another (lines that end at the
 * same value would otherwise print their labels on top of each other).
 */
function labelYs (ends: number[], gap = 14): number[] {
  const order = ends.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v)
  const out = new Array<number>(ends.length)
  let previous = -Infinity
  for (const { v, i } of order) {
    previous = Math.max(v, previous + gap)
    out[i] = previous
  }
  return out
}

/** Up to `count` round steps from 0 to at least `max`. */
function ticks (max: number, count = 4): number[] {
  const step = Math.max(1, Math.ceil(max / count))
  const out: number[] = []
  for (let v = 0; v <= max || out.length < 2; v += step) out.push(v)
  return out
}

/** The month before `YYYY-MM`. */
function monthBefore (month: string): string {
  const [y, m] = month.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

export function AdoptionChart ({ months: shared, series: given, title }: Props) {
  // the curve starts from nothing, the month before the first state: a line, not a lone point
  const months = shared.length === 0 ? shared : [monthBefore(shared[0]), ...shared]
  const series = given.map(s => ({ ...s, values: [0, ...s.values] }))
  if (shared.length === 0) return <p>Nothing shared with this network yet: the curve starts when a member shares an adoption state.</p>
  const max = Math.max(1, ...series.flatMap(s => s.values))
  const yTicks = ticks(max)
  const top = yTicks[yTicks.length - 1]
  const plotW = WIDTH - PAD.left - PAD.right
  const plotH = HEIGHT - PAD.top - PAD.bottom
  const x = (i: number): number => PAD.left + (months.length === 1 ? plotW / 2 : (i * plotW) / (months.length - 1))
  const y = (v: number): number => PAD.top + plotH - (v * plotH) / top
  // a label per month when they fit, else every n-th
  const every = Math.max(1, Math.ceil(months.length / 8))
  const id = 'adoption-chart'
  const labels = labelYs(series.map(s => y(s.values[s.values.length - 1] ?? 0) + 4))
  const summary = series.map(s => `${s.label}: ${s.values[s.values.length - 1] ?? 0}`).join(', ')
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="xMinYMin meet">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{`From ${monthText(months[0])} to ${monthText(months[months.length - 1])}; by ${monthText(months[months.length - 1])}: ${summary}. The table below gives every month.`}</desc>
        {yTicks.map(v => (
          <g key={v} aria-hidden="true">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} class="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">{v}</text>
          </g>
        ))}
        {months.map((m, i) => i % every === 0 || i === months.length - 1
          ? <text key={m} aria-hidden="true" x={x(i)} y={HEIGHT - 8} text-anchor="middle">{monthText(m)}</text>
          : null)}
        {series.map((s, n) => {
          const style = STYLES[n % STYLES.length]
          const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')
          const last = s.values.length - 1
          return (
            <g key={s.key} aria-hidden="true">
              <polyline points={points} fill="none" stroke={style.colour} stroke-width="2.5" stroke-dasharray={style.dash} />
              {s.values.map((v, i) => <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={style.colour} />)}
              <text x={x(last) + 8} y={labels[n]} fill={style.colour} class="series-label">{s.short ?? s.label}</text>
            </g>
          )
        })}
      </svg>
      <figcaption>
        <ul class="legend" aria-label="Lines of the chart">
          {series.map((s, n) => {
            const style = STYLES[n % STYLES.length]
            return (
              <li key={s.key}>
                <svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke={style.colour} stroke-width="2.5" stroke-dasharray={style.dash} /></svg>
                {s.label}
              </li>
            )
          })}
        </ul>
      </figcaption>
      <details class="figures">
        <summary>The figures as a table</summary>
        <div class="scroll" role="region" aria-label={`${title}: figures`} tabIndex={0}>
          <table>
            <caption>{title}, by month</caption>
            <thead><tr><th scope="col">Month</th>{series.map(s => <th key={s.key} scope="col">{s.label}</th>)}</tr></thead>
            <tbody>
              {months.map((m, i) => <tr key={m}><th scope="row">{monthText(m)}</th>{series.map(s => <td key={s.key}>{s.values[i] ?? 0}</td>)}</tr>)}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}
