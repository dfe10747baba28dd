// What a page says when a form posted without JavaScript (before the page hydrated) comes back
// with `?error=<code>`: the route redirects with a code, never with text of its own, so a link
// cannot make the page say anything else.
import { passwordRule, usernameRule } from './account-rules';
import { storageRecoveringText } from './storage-unavailable';

const messages: Record<string, string> = {
  wrong_credentials: 'Wrong username or password.',
  rate_limited: 'Too many failed attempts; try again in a minute.',
  already_exists: 'That username is taken.',
  reserved_name: 'That username is reserved for an administrator.',
  signup_limited: 'Too many sign-ups from here; try again later.',
  invalid_argument: `${usernameRule} ${passwordRule}`,
  wrong_password: 'Your current password is not correct.',
  unauthenticated: 'You are not logged in.',
  // Most often the store riding out a failover (lib/server/errors.ts says the same in JSON).
  unavailable: storageRecoveringText,
};

export function formErrorMessage(code: string | string[] | undefined): string | undefined {
  if (typeof code !== 'string') return undefined;
  return messages[code] ?? 'That did not work; try again.';
}
