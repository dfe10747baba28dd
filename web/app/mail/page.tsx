import { redirect } from 'next/navigation';

// The webmail opens on the inbox, at its own URL.
export default function MailPage() {
  redirect('/mail/inbox');
}
