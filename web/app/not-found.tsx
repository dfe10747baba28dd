import Link from 'next/link';

export default function NotFound() {
  return (
    <main style={{ maxWidth: 480, margin: '15vh auto', padding: '0 1rem', textAlign: 'center' }}>
      <h1 className="ui header">Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link className="ui basic teal button" href="/">
        Go to PennCloud
      </Link>
    </main>
  );
}
