import { useEffect, useState } from 'preact/hooks'

/** The dark modules of a QR code of `text` as one SVG path, and the code's size with its margin. */
async function qrPath (text: string): Promise<{ size: number, path: string }> {
  const { default: qrcode } = await import('qrcode-generator')
  // level L: the smallest code for a long card, and a screen is not a crumpled label
  const qr = qrcode(0, 'L')
  qr.addData(text, 'Byte')
  qr.make()
  const count = qr.getModuleCount()
  const parts: string[] = []
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      // a quiet zone of four modules round the code, which scanners need
      if (qr.isDark(row, col)) parts.push(`M${col + 4} ${row + 4}h1v1h-1z`)
    }
  }
  return { size: count + 8, path: parts.join('') }
}

/**
 * A QR code of `text` as inline SVG (no image file, nothing outside the page's CSP). The encoder
 * is loaded when a QR code is first shown: the other views do not need its code.
 */
export function QrCode ({ text, label }: { text: string, label: string }) {
  const [qr, setQr] = useState<{ size: number, path: string } | undefined>()
  useEffect(() => {
    let live = true
    qrPath(text).then(value => { if (live) setQr(value) }, () => {})
    return () => { live = false }
  }, [text])
  if (qr == null) return null
  return (
    <svg class="qr" role="img" aria-label={label} viewBox={`0 0 ${qr.size} ${qr.size}`} shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.path} fill="#000" />
    </svg>
  )
}
