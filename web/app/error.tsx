'use client';
// What a page shows when rendering it failed (most often: storage unavailable for longer than
// the retries cover). Trying again re-renders it on the server.
import { Button, Container, Message } from 'semantic-ui-react';

export default function PageError({ reset }: { error: Error; reset: () => void }) {
  return (
    <Container text style={{ paddingTop: '15vh' }}>
      <Message negative role="alert">
        <Message.Header>PennCloud could not show this page</Message.Header>
        <p>The service is having trouble right now. Try again in a moment.</p>
        <Button basic color="red" onClick={reset}>
          Try again
        </Button>
      </Message>
    </Container>
  );
}
