'use client';
import Link from 'next/link';
import { Message } from 'semantic-ui-react';

export function NotAllowed() {
  return (
    <Message negative icon="lock" header="Administrators only" content={<p>Only administrators can open the admin console. <Link href="/menu">Back to the menu</Link></p>} />
  );
}
