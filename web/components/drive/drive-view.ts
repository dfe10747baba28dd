// What the drive page shows — a folder, Trash, or a search — and its URL, both ways: the page
// reads it from ?folder=<id>, ?view=trash or ?q=<text>, and writes it back when the view changes.
import { rootFolderId } from '../../lib/queries/drive';

export type DriveView = { kind: 'folder'; id: string } | { kind: 'trash' } | { kind: 'search'; q: string };

type Params = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** From the page's search params (the server) or location.search (the browser). */
export function viewInUrl(search: string | Params): DriveView {
  const params: Params = typeof search === 'string' ? Object.fromEntries(new URLSearchParams(search)) : search;
  if (first(params.view) === 'trash') return { kind: 'trash' };
  const q = first(params.q).trim();
  if (q !== '') return { kind: 'search', q };
  return { kind: 'folder', id: first(params.folder) || rootFolderId };
}

export function driveUrl(view: DriveView): string {
  if (view.kind === 'trash') return '/drive?view=trash';
  if (view.kind === 'search') return `/drive?${new URLSearchParams({ q: view.q })}`;
  return view.id === rootFolderId ? '/drive' : `/drive?folder=${encodeURIComponent(view.id)}`;
}
