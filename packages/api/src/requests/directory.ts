/** Validators of the directory's requests (docs/directory.md): cards and notices. */
import { InvalidInputError } from '@commonplace/core'
import type { AddContactRequest, ReadNoticesRequest } from '../api-types.ts'
import { MAX_CARD_CHARS, MAX_NOTICE_IDS, MAX_NOTICE_ID_CHARS } from '../constants.ts'
import { object, string } from '../validate.ts'

/** `POST /api/contacts`: a card code, bounded before it is decoded. */
export function addContactRequest (body: unknown): AddContactRequest {
  const value = object(body, ['card'])
  const card = string(value.card, 'card')
  if (card.length > MAX_CARD_CHARS) throw new InvalidInputError(`"card" is longer than ${MAX_CARD_CHARS} characters: not a card code`)
  return { card }
}

/** `POST /api/notices/read`: some notices by id, or (no body, no `ids`) every one. */
export function readNoticesRequest (body: unknown): ReadNoticesRequest {
  const value = object(body ?? {}, ['ids'])
  if (value.ids === undefined) return {}
  if (!Array.isArray(value.ids) || value.ids.length > MAX_NOTICE_IDS || !value.ids.every(id => typeof id === 'string' && id.length <= MAX_NOTICE_ID_CHARS)) {
    throw new InvalidInputError(`"ids" must be a list of at most ${MAX_NOTICE_IDS} notice ids`)
  }
  return { ids: value.ids as string[] }
}
