'use client';
// The drive's search field: searches names across the whole drive on Enter (or the button).
import { useState, type FormEvent } from 'react';
import { Form, Input } from 'semantic-ui-react';

export function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() !== '') onSearch(text.trim());
  };
  return (
    <Form onSubmit={submit} className="pc-search" role="search">
      <Input
        value={text}
        onChange={(_, { value }) => setText(String(value))}
        placeholder="Search your drive"
        aria-label="Search your drive"
        maxLength={255}
        action={{ icon: 'search', type: 'submit', 'aria-label': 'Search' }}
      />
    </Form>
  );
}
