// A link that is gone: revoked by its owner, expired, or never made. One page for all three,
// so the answer tells a guesser nothing about which tokens once existed.
export default function LinkGone() {
  return (
    <main style={{ maxWidth: 520, margin: '15vh auto', padding: '0 1rem', textAlign: 'center' }}>
      <h1 className="ui header">This link is not available</h1>
      <p>It was revoked by its owner, it has expired, or it never existed. Ask whoever sent it for a new one.</p>
    </main>
  );
}
