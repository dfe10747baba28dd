'use client';
// What a page shows when rendering it failed. Most often the store could not serve it within
// its deadline (its digest says so: lib/storage-unavailable.ts), and the page says storage is
// recovering; anything else is a generic failure. Trying again re-renders it on the server.
import { Button, Container, Message } from 'semantic-ui-react';
import { storageRecoveringText, storageUnavailableDigest } from '../lib/storage-unavailable';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const storage = error.digest === storageUnavailableDigest;
  return (
    <Container text style={{ paddingTop: '15vh' }}>
      <Message negative role="alert">
        <Message.Header>PennCloud could not show this page</Message.Header>
        <p>{storage ? storageRecoveringText : 'The service is having trouble right now. Try again in a moment.'}</p>
        <Button basic color="red" onClick={reset}>
          Try again
        </Button>
      </Message>
    </Container>
  );
}
