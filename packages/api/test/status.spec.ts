import { describe, it, expect } from 'vitest'
import { CommonplaceError, InvalidInputError, NotFoundError, SignInFailedError, errorFromCode } from '@commonplace/core'
import { STATUS_BY_CODE, describeError } from '../src/index.ts'

describe('the error codes\' HTTP statuses', () => {
  it('lists only codes of named errors (and the HTTP layer\'s own 405), each with a 4xx or 5xx status', () => {
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      expect(status, code).toBeGreaterThanOrEqual(400)
      expect(status, code).toBeLessThan(600)
      if (code === 'ERR_METHOD_NOT_ALLOWED') continue
      // a code no error class has would be a typo: errorFromCode then makes a plain CommonplaceError
      expect(errorFromCode(code, 'x').name, code).not.toBe('CommonplaceError')
    }
  })

  it('answers a refusal with its status, code and message', () => {
    expect(describeError(new InvalidInputError('"title" must be a string'))).toEqual({ status: 400, code: 'ERR_INVALID_INPUT', message: '"title" must be a string' })
    expect(describeError(new NotFoundError('No document here'))).toMatchObject({ status: 404, code: 'ERR_NOT_FOUND' })
    expect(describeError(new SignInFailedError())).toMatchObject({ status: 401, code: 'ERR_SIGN_IN_FAILED' })
  })

  it('answers 500 for a code without a status, and hides an unexpected error\'s message', () => {
    expect(describeError(new CommonplaceError('not started', 'ERR_NOT_STARTED'))).toEqual({ status: 500, code: 'ERR_NOT_STARTED', message: 'not started' })
    expect(describeError(new Error('/home/secret/path failed'))).toEqual({ status: 500, code: 'ERR_INTERNAL', message: 'Internal error (see the node log)' })
  })
})
