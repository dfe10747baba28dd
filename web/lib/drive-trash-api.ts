// Trash and search as the JSON API sends them (docs/API.md, "Drive"): written by the route
// handlers (lib/server/drive/drive-trash.ts, drive-search.ts), read by the drive page
// (lib/queries/drive-trash.ts). Types only, safe in the browser.
import type { Crumb, DriveItem } from './drive-api';

/** An item in Trash: where it was (the folder's id and its path then, "My Drive / Projects") and when it went. */
export interface TrashItem extends DriveItem {
  from: { id: string; path: string };
  /** ISO 8601. */
  trashedAt: string;
  /** When the sweep deletes it for good (ISO 8601). */
  purgeAt: string;
}

/** `GET /api/drive/trash[?cursor=&limit=]`: one page, newest first. */
export interface TrashListing {
  items: TrashItem[];
  /** Items in all of Trash. */
  total: number;
  /** The cursor of the next page, or null on the last. */
  next: string | null;
  usage: { usedBytes: number; quotaBytes: number };
  retentionDays: number;
}

/** `POST /api/drive/trash/restore`: the item as restored (its name may have changed) and the folder it went to. */
export interface Restored {
  item: DriveItem;
  folder: Crumb;
}

/** One match of `GET /api/drive/search`: the item and the path of the folder holding it, from the top. */
export interface SearchHit {
  id: string;
  kind: 'file' | 'folder';
  name: string;
  /** From My Drive down to the folder that holds the item, both included. */
  path: Crumb[];
}

export interface SearchResults {
  query: string;
  hits: SearchHit[];
  /** More items matched than `hits` holds. */
  truncated: boolean;
}
