'use client';
// The login page (`/`) and the sign-up page: one centered form. The sign-up form shows the
// username and password rules; both show the server's message when it refuses.
//
// The inputs are uncontrolled and read at submit, so what was typed before the page hydrated
// counts; a submit before hydration posts the form to the API route itself, which answers a
// plain form post with a redirect (to the menu, or back here with ?error=<code>).
//
// A visitor sent here from a page (proxy.ts: `/?next=/drive?folder=…`) goes back to it after
// logging in, when lib/next-path.ts accepts it as a page of this site; otherwise to the menu.
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Button, Form, Grid, Header, Icon, Message, Segment } from 'semantic-ui-react';
import { newPasswordSchema, passwordRule, usernameRule, usernameSchema } from '../lib/account-rules';
import { safeNextPath } from '../lib/next-path';
import { login, signup, type Credentials } from '../lib/queries/auth';

type Mode = 'login' | 'signup';

const text = {
  login: { title: 'Log in to your account', button: 'Log in', password: 'current-password', action: '/api/auth/login' },
  signup: { title: 'Create your account', button: 'Sign up', password: 'new-password', action: '/api/auth/signup' },
} as const;

function validate(mode: Mode, c: Credentials): string | undefined {
  if (mode === 'login') return c.username && c.password ? undefined : 'Enter your username and password.';
  const username = usernameSchema.safeParse(c.username);
  if (!username.success) return username.error.issues[0]?.message;
  const password = newPasswordSchema.safeParse(c.password);
  return password.success ? undefined : password.error.issues[0]?.message;
}

export function AuthScreen({ mode, initialError }: { mode: Mode; initialError?: string }) {
  const [problem, setProblem] = useState<string | undefined>(initialError);
  const mutation = useMutation({
    mutationFn: mode === 'login' ? login : signup,
    // A full navigation: the page is rendered by the server with the new cookie.
    onSuccess: () => window.location.assign(safeNextPath(new URLSearchParams(window.location.search).get('next')) ?? '/menu'),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const credentials = { username: String(form.get('username') ?? '').trim(), password: String(form.get('password') ?? '') };
    const invalid = validate(mode, credentials);
    setProblem(invalid);
    if (!invalid) mutation.mutate(credentials);
  };

  const error = problem ?? mutation.error?.message;
  return (
    <Grid textAlign="center" verticalAlign="middle" className="pc-auth">
      <Grid.Column>
        <Header as="h1" color="teal" textAlign="center">
          <Icon name="cloud" /> PennCloud
        </Header>
        <Form size="large" onSubmit={submit} error={Boolean(error)} noValidate action={text[mode].action} method="post">
          <Segment stacked textAlign="left">
            <Header as="h2" size="medium">
              {text[mode].title}
            </Header>
            <Form.Input
              fluid
              id="username"
              name="username"
              label="Username"
              icon="user"
              iconPosition="left"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
            />
            <Form.Input
              fluid
              id="password"
              name="password"
              label="Password"
              type="password"
              icon="lock"
              iconPosition="left"
              autoComplete={text[mode].password}
            />
            {mode === 'signup' && <Message info visible size="small" list={[usernameRule, passwordRule]} />}
            <Message error role="alert" content={error} />
            <Button type="submit" color="teal" fluid size="large" loading={mutation.isPending || mutation.isSuccess} disabled={mutation.isPending}>
              {text[mode].button}
            </Button>
          </Segment>
        </Form>
        <Message>
          {mode === 'login' ? (
            <>
              New to PennCloud? <Link href="/signup">Sign up</Link>
            </>
          ) : (
            <>
              Already have an account? <Link href="/">Log in</Link>
            </>
          )}
        </Message>
      </Grid.Column>
    </Grid>
  );
}
