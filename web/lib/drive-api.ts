// The drive's answers as the JSON API sends them (docs/API.md, "Drive"): written by the route
// handlers (lib/server/drive/), read by the pages (lib/queries/drive.ts). Types only, safe in the browser.

/** A file or folder in a listing; `size` and `type` for files only. Dates are ISO 8601. */
export interface DriveItem {
  id: string;
  kind: 'file' | 'folder';
  name: string;
  created: string;
  modified: string;
  size?: number;
  type?: string;
}

/** One step of a folder's path (breadcrumbs). */
export interface Crumb {
  id: string;
  name: string;
}

/** `GET /api/drive/folders/<id>`. */
export interface FolderListing {
  folder: { id: string; name: string; deleting: boolean };
  /** From the top folder down to this one, both included. */
  path: Crumb[];
  /** One page of the folder's items: folders first, then by name (numbers by value, case folded). */
  items: DriveItem[];
  /** Items in the whole folder. */
  total: number;
  /** The cursor of the next page (`?cursor=`), or null on the last. */
  next: string | null;
  usage: { usedBytes: number; quotaBytes: number };
}
