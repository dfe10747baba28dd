// The login page with the server's word: a logged-in user goes straight on (to `?next=`, a page
// of this site that lib/next-path.ts accepts, or the menu), and a form
// post the server refused (?error=<code>) shows why. `/` is served from here whenever the request
// carries a session cookie or an error (next.config.ts, rewrites); otherwise `/` is the same form
// prerendered (app/page.tsx), which costs no rendering and no store read.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthScreen } from '../../components/auth-screen';
import { formErrorMessage } from '../../lib/form-errors';
import { safeNextPath } from '../../lib/next-path';
import { pageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: { absolute: 'Log in · PennCloud' } };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string | string[]; next?: string | string[] }> }) {
  const params = await searchParams;
  if (await pageUser()) redirect(safeNextPath(params.next) ?? '/menu');
  return <AuthScreen mode="login" initialError={formErrorMessage(params.error)} />;
}
