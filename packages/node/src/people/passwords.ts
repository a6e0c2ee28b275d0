/**
 * Password hashes: scrypt from node:crypto with its parameters stored beside the hash
 * (docs/people.md, "Passwords"). Hashing runs on libuv's thread pool, at most
 * {@link MAX_CONCURRENT_HASHES} at once, so sign-ins neither block the event loop nor take the
 * node's memory.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { InvalidInputError, TooManyAttemptsError } from '@commonplace/core'
import { MAX_CONCURRENT_HASHES, MAX_PASSWORD_CHARS, MAX_QUEUED_HASHES, MIN_PASSWORD_CHARS, SCRYPT_PARAMS } from './constants.ts'

/** A stored password hash. */
export interface PasswordHash {
  salt: string
  hash: string
  N: number
  r: number
  p: number
}

const KEY_BYTES = 32

/** Hashes and checks passwords, a bounded number at a time. */
export interface Passwords {
  /** A fresh salted hash of `password`. @throws InvalidInputError for a password outside the length bounds */
  hash(password: string): Promise<PasswordHash>
  /** Whether `password` matches; with no stored hash, spends the same time and answers false. */
  verify(password: string, stored: PasswordHash | undefined): Promise<boolean>
}

/** The password keeper. */
export function createPasswords (): Passwords {
  let running = 0
  const waiting: Array<() => void> = []
  // an unknown name still costs one hash, against this
  const decoy: PasswordHash = { salt: randomBytes(16).toString('base64url'), hash: randomBytes(KEY_BYTES).toString('base64url'), ...SCRYPT_PARAMS }

  const derive = async (password: string, salt: Buffer, params: { N: number, r: number, p: number }): Promise<Buffer> => {
    if (running >= MAX_CONCURRENT_HASHES) {
      if (waiting.length >= MAX_QUEUED_HASHES) throw new TooManyAttemptsError('The node is busy checking passwords; try again in a moment')
      await new Promise<void>(resolve => { waiting.push(resolve) })
    }
    running++
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...params, maxmem: 256 * params.N * params.r }, (err, key) => {
          if (err != null) reject(err)
          else resolve(key)
        })
      })
    } finally {
      running--
      waiting.shift()?.()
    }
  }

  return {
    async hash (password) {
      checkPassword(password)
      const salt = randomBytes(16)
      const key = await derive(password, salt, SCRYPT_PARAMS)
      return { salt: salt.toString('base64url'), hash: key.toString('base64url'), ...SCRYPT_PARAMS }
    },
    async verify (password, stored) {
      const against = stored ?? decoy
      // an over-long password is simply wrong; bounded before any hashing
      const given = typeof password === 'string' && password.length <= MAX_PASSWORD_CHARS ? password : ''
      const key = await derive(given, Buffer.from(against.salt, 'base64url'), against)
      const expected = Buffer.from(against.hash, 'base64url')
      return stored != null && key.length === expected.length && timingSafeEqual(key, expected)
    }
  }
}

/** @throws InvalidInputError unless a string of {@link MIN_PASSWORD_CHARS} to {@link MAX_PASSWORD_CHARS} characters */
export function checkPassword (password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
    throw new InvalidInputError(`A password is ${MIN_PASSWORD_CHARS} to ${MAX_PASSWORD_CHARS} characters long`)
  }
}
