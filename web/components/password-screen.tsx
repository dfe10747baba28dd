'use client';
// Change password: the current one (checked by the server), the new one twice. On success
// this session stays and every other session of the user ends. Uncontrolled inputs read at
// submit, and a form that also works before hydration, as on the login page.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Form, Header, Message, Segment } from 'semantic-ui-react';
import { newPasswordSchema, passwordRule } from '../lib/account-rules';
import { changePassword } from '../lib/queries/auth';
import { meQuery } from '../lib/queries/me';

export function PasswordScreen({ initialError, changed }: { initialError?: string; changed?: boolean }) {
  const me = useQuery(meQuery);
  const [problem, setProblem] = useState<string | undefined>(initialError);
  const mutation = useMutation({ mutationFn: changePassword });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const [current, next, repeat] = ['current', 'next', 'repeat'].map((f) => String(form.get(f) ?? ''));
    mutation.reset();
    const checked = newPasswordSchema.safeParse(next);
    const invalid = !current
      ? 'Enter your current password.'
      : !checked.success
        ? checked.error.issues[0]?.message
        : next !== repeat
          ? 'The new passwords do not match.'
          : undefined;
    setProblem(invalid);
    if (!invalid) mutation.mutate({ current: current!, next: next! }, { onSuccess: () => formElement.reset() });
  };

  const error = problem ?? mutation.error?.message;
  return (
    <Segment padded style={{ maxWidth: 520 }}>
      <Header as="h1" size="large">
        Change password
        <Header.Subheader>{passwordRule} Every other session of yours ends.</Header.Subheader>
      </Header>
      <Form onSubmit={submit} error={Boolean(error)} success={mutation.isSuccess || (changed && !error && !mutation.isPending)} noValidate action="/api/auth/password" method="post">
        {/* For password managers: which account this password belongs to. */}
        <input type="text" name="username" autoComplete="username" value={me.data?.username ?? ''} readOnly hidden />
        <Form.Input id="current" name="current" label="Current password" type="password" autoComplete="current-password" />
        <Form.Input id="next" name="next" label="New password" type="password" autoComplete="new-password" />
        <Form.Input id="repeat" name="repeat" label="New password again" type="password" autoComplete="new-password" />
        <Message error role="alert" content={error} />
        <Message success role="status" header="Password changed" content="Use your new password from now on. Your other sessions have ended." />
        <Button type="submit" color="teal" loading={mutation.isPending} disabled={mutation.isPending}>
          Change password
        </Button>
      </Form>
    </Segment>
  );
}
