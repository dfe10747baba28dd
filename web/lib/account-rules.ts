// The rules for usernames and passwords, shared by the forms (which show them) and the route
// handlers (which enforce them). Usernames become row keys (`<user>#account`), so they are
// short, lowercase and free of '#'.
import { z } from 'zod';

export const usernamePattern = /^[a-z][a-z0-9._-]{2,31}$/;
export const usernameRule = 'Usernames are 3–32 characters: lowercase letters, digits, “.”, “_” and “-”, starting with a letter.';

export const passwordLengthMin = 8;
export const passwordLengthMax = 256;
export const passwordRule = `Passwords are ${passwordLengthMin}–${passwordLengthMax} characters.`;

const required = (field: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? `${field} is required.` : `${field} must be a string.`),
});

export const usernameSchema = z.string(required('Username')).regex(usernamePattern, usernameRule);

/** A new password: the length rule applies. */
export const newPasswordSchema = z
  .string(required('Password'))
  .min(passwordLengthMin, passwordRule)
  .max(passwordLengthMax, passwordRule);

/** A password being checked: any length up to the maximum, so old accounts keep working. */
export const givenPasswordSchema = z.string(required('Password')).min(1, 'Password is required.').max(passwordLengthMax, passwordRule);

export const signupBody = z.object({ username: usernameSchema, password: newPasswordSchema });
/** Login takes any string as the username: a malformed one fails like an unknown one. */
export const loginBody = z.object({
  username: z.string(required('Username')).min(1, 'Username is required.').max(64, 'Wrong username or password.'),
  password: givenPasswordSchema,
});
export const passwordChangeBody = z.object({
  current: givenPasswordSchema,
  next: newPasswordSchema,
});
