// What /admin shows, with status 401, without a valid session.
import Link from 'next/link';

export default function AdminUnauthorized() {
  return (
    <main style={{ maxWidth: 480, margin: '15vh auto', padding: '0 1rem', textAlign: 'center' }}>
      <h1 className="ui header">Log in to continue</h1>
      <p>The admin console is for administrators; log in first.</p>
      <Link className="ui teal button" href="/">
        Log in
      </Link>
    </main>
  );
}
