// Where the webmail is, read from and written into its URL, so that Back, Forward, a reload and
// a bookmark all land on the same view: `/mail/<folder>` lists a folder, `/mail/<folder>/<id>`
// shows one message, and `?q=<text>` searches the folder (`&in=all`: every folder).
// Folder and message ids are URL-safe as the API gives them (docs/API.md, "Mail").

export interface MailView {
  folder: string;
  /** The message shown, or null for the folder's list. */
  id: string | null;
  /** The search, or '' for none. */
  q: string;
  /** Search every folder rather than this one. */
  all: boolean;
}

/** The view of a path under /mail and its query; `/mail` itself is the inbox. */
export function mailViewOf(pathname: string, params: { get(name: string): string | null }): MailView {
  const [, , folder, id] = pathname.split('/').map((part) => decodeURIComponent(part));
  return { folder: folder || 'inbox', id: id || null, q: params.get('q')?.trim() ?? '', all: params.get('in') === 'all' };
}

export function folderHref(folder: string): string {
  return `/mail/${encodeURIComponent(folder)}`;
}

export function messageHref(folder: string, id: string): string {
  return `${folderHref(folder)}/${encodeURIComponent(id)}`;
}

export function searchHref(folder: string, q: string, all: boolean): string {
  const params = new URLSearchParams({ q });
  if (all) params.set('in', 'all');
  return `${folderHref(folder)}?${params}`;
}
