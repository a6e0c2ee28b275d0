/**
 * The node's own TLS certificate (docs/people.md, "Reaching the node from other computers"): made
 * once at first start when no --tls-cert is given, kept in the data folder, and identified by its
 * SHA-256 fingerprint, which `commonplace start` prints so people can check what their browser
 * shows. A self-signed X.509 v3 certificate over an ECDSA P-256 key, valid for the host names
 * given (subjectAltName), encoded here in DER: node:crypto signs and parses certificates but does
 * not build them, and the few fields needed do not justify an ASN.1 dependency.
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'

/** Files in the data folder holding the self-made certificate and its key. */
export const SELF_CERT_FILES = { cert: 'tls-cert.pem', key: 'tls-key.pem' } as const
/** How long a self-made certificate is valid (days). */
export const SELF_CERT_DAYS = 825

export interface TlsMaterial {
  cert: string
  key: string
  /** SHA-256 fingerprint, colon-separated hex (what browsers show). */
  fingerprint: string
}

/** Read the certificate and key files given. */
export async function readTls (certFile: string, keyFile: string): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')])
  createPrivateKey(key) // refuse an unreadable key at start, not at the first connection
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 }
}

/**
 * The data folder's self-made certificate, made for `names` if there is none yet (or the one kept
 * does not cover every name).
 */
export async function selfMadeTls (dataDir: string, names: string[], now = new Date()): Promise<TlsMaterial & { created: boolean }> {
  const certFile = join(dataDir, SELF_CERT_FILES.cert)
  const keyFile = join(dataDir, SELF_CERT_FILES.key)
  try {
    const kept = await readTls(certFile, keyFile)
    const x509 = new X509Certificate(kept.cert)
    const covered = names.every(n => isIP(n) !== 0 ? x509.checkIP(n) != null : x509.checkHost(n) != null)
    if (covered && new Date(x509.validTo) > now) return { ...kept, created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const made = makeCertificate(names, now)
  await writeFile(keyFile, made.key, { mode: 0o600 })
  await writeFile(certFile, made.cert, { mode: 0o644 })
  return { ...made, created: true }
}

/** A fresh self-signed certificate and key (PEM) for `names` (host names or IP addresses). */
export function makeCertificate (names: string[], now = new Date()): TlsMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'))
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from('Commonplace node', 'utf8')))))
  const until = new Date(now.getTime() + SELF_CERT_DAYS * 86_400_000)
  const altNames = seq(...names.map(n => isIP(n) === 4
    ? tlv(0x87, Buffer.from(n.split('.').map(Number)))
    : tlv(0x82, Buffer.from(n, 'ascii'))))
  const extensions = tlv(0xa3, seq(
    seq(oid('2.5.29.17'), tlv(0x04, altNames)),
    // basicConstraints: not a CA
    seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq()))
  ))
  const serial = randomBytes(16)
  // a positive INTEGER in DER's shortest form: a first byte of 0x00 before one below 0x80 is
  // "illegal padding", and OpenSSL refused one certificate in 256 made that way
  serial[0] = (serial[0] & 0x3f) | 0x40
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    ecdsaSha256,
    name,
    seq(time(now), time(until)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions
  )
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' })
  const der = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE-----\n`
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, fingerprint: new X509Certificate(cert).fingerprint256 }
}

// --- DER ---------------------------------------------------------------------------------------

function tlv (tag: number, value: Buffer): Buffer {
  const n = value.length
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff])
  return Buffer.concat([Buffer.from([tag]), length, value])
}

function seq (...items: Buffer[]): Buffer { return tlv(0x30, Buffer.concat(items)) }
function set (...items: Buffer[]): Buffer { return tlv(0x31, Buffer.concat(items)) }

function oid (dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const bytes = [40 * a + b]
  for (const n of rest) {
    const groups: number[] = []
    let v = n
    do { groups.unshift(v & 0x7f); v >>= 7 } while (v > 0)
    bytes.push(...groups.map((g, i) => i < groups.length - 1 ? g | 0x80 : g))
  }
  return tlv(0x06, Buffer.from(bytes))
}

/** UTCTime (YYMMDDHHMMSSZ) until 2049, GeneralizedTime after, as RFC 5280 says. */
function time (date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'))
}
