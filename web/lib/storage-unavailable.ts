// What a person is told when the store could not serve a request in time, shared by the JSON
// errors (lib/server/errors.ts), the forms (form-errors.ts) and the error page (app/error.tsx),
// and the digest a page's render error carries then (lib/server/page-user.ts sets it). Next
// keeps an error's own digest through production builds, which hide the message, so this is
// how the error page can tell. Free of server code, so the client bundle may import it.
export const storageUnavailableDigest = 'penncloud:storage-unavailable';

export const storageRecoveringText = 'Storage is recovering; try again in a moment.';
