import type { NodeStatus } from '../node-status.ts'
import { DirectoryPage } from './directory.tsx'
import { NoticesLink, NoticesPage } from './notices.tsx'
import { OrganisationPage } from './organisation.tsx'

/** The views of the directory's routes (`#/organisation`, `#/directory`, `#/notices`), or null. */
export function directoryRoute (route: string, status: NodeStatus) {
  switch (route) {
    case '#/organisation': return <OrganisationPage status={status} />
    case '#/directory': return <DirectoryPage status={status} />
    case '#/notices': return <NoticesPage status={status} />
    default: return null
  }
}

/** The header's links to those views; Notices with its unread count. */
export function DirectoryNav ({ route, status }: { route: string, status: NodeStatus }) {
  const current = (hash: string): 'page' | undefined => route === hash ? 'page' : undefined
  return (
    <>
      <a href="#/organisation" aria-current={current('#/organisation')}>Our organisation</a>{' '}
      <a href="#/directory" aria-current={current('#/directory')}>Directory</a>{' '}
      <NoticesLink status={status} current={route === '#/notices'} />
    </>
  )
}
