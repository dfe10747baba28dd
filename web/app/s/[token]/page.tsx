// /s/<token>: a link's page, for anyone holding the link, no account needed. A link that does
// not exist (revoked, or never made) or has expired answers 404 with a page that says so; the
// link is looked up here, through the same guess limit as the API (drive-share-link.ts), and
// the page's view then reads the public API (/api/shared/<token>), password first if it asks.
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { ShareLinkView } from '../../../components/drive/share-link-view';
import { serverContext } from '../../../lib/server/context';
import { openLink } from '../../../lib/server/drive/drive-share-link';
import { HttpError } from '../../../lib/server/errors';

export const metadata: Metadata = { title: 'Shared with you', robots: { index: false, follow: false }, referrer: 'no-referrer' };

export default async function SharedLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // The client address as web/main.ts decided it (route.ts, clientAddress).
  const address = (await headers()).get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
  try {
    await openLink(serverContext(), token, address);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) notFound();
    // Too many misses: the view shows the API's own answer.
    if (!(err instanceof HttpError)) throw err;
  }
  return (
    <main className="ui text container" style={{ marginTop: '3em' }}>
      <p>
        <a href="/">PennCloud</a>
      </p>
      <ShareLinkView token={token} />
    </main>
  );
}
