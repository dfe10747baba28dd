// GET /: the login page; a logged-in user goes straight to the menu.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthScreen } from '../components/auth-screen';
import { formErrorMessage } from '../lib/form-errors';
import { pageUser } from '../lib/server/page-user';

export const metadata: Metadata = { title: { absolute: 'Log in · PennCloud' } };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (await pageUser()) redirect('/menu');
  return <AuthScreen mode="login" initialError={formErrorMessage((await searchParams).error)} />;
}
