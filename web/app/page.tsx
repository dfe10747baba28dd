// GET /: the login page for a visitor without a session cookie, prerendered at build time. A
// request with a session cookie (the user may be logged in: off to the menu) or with ?error=
// (a refused form post) is rewritten to /login, which renders with the session check
// (next.config.ts, rewrites; app/login/page.tsx).
import type { Metadata } from 'next';
import { AuthScreen } from '../components/auth-screen';

export const metadata: Metadata = { title: { absolute: 'Log in · PennCloud' } };

// Static, and a build error if anything here ever reads the request.
export const dynamic = 'error';

export default function LoginPage() {
  return <AuthScreen mode="login" />;
}
