import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthScreen } from '../../components/auth-screen';
import { formErrorMessage } from '../../lib/form-errors';
import { pageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignupPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (await pageUser()) redirect('/menu');
  return <AuthScreen mode="signup" initialError={formErrorMessage((await searchParams).error)} />;
}
