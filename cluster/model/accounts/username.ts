// What a username may be. Usernames become row keys (`<user>#account`, `<user>#mail-index`), so
// they are short, lower-case and free of '#'; a name that fails this is never looked up. The web
// forms show the same rule from web/lib/account-rules.ts (kept in step by hand: that module goes
// to the browser, this one stays on the server).
export const usernamePattern = /^[a-z][a-z0-9._-]{2,31}$/;
