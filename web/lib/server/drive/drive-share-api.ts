// Sharing's answers as the JSON API sends them (docs/API.md, "Sharing"): written by the route
// handlers, read by the share components. Types only, safe in the browser.
import type { Crumb, DriveItem } from '../../drive-api';

/** One of the owner's shares (`GET /api/drive/shares`). */
export interface OwnedShare {
  /** `link:<token>` or `user:<recipient>:<itemId>`: what `DELETE /api/drive/shares/<id>` takes. */
  id: string;
  kind: 'link' | 'user';
  itemId: string;
  /** The item as it is now; null when it was deleted or is in Trash (the share then gives nothing). */
  item: DriveItem | null;
  created: string;
  /** Links: the page to open, when the link ends (null: never), whether it has, and whether it asks for a password. */
  link?: { token: string; path: string; expires: string | null; expired: boolean; password: boolean };
  /** Shares with a user: who. */
  recipient?: string;
}

/** One item another user shared with me (`GET /api/drive/shares/with-me`). */
export interface IncomingShare {
  /** `<owner>:<itemId>`: the share's part of the paths that open it. */
  id: string;
  owner: string;
  item: DriveItem;
  created: string;
}

/** What a link leads to (`GET /api/shared/<token>`). */
export interface LinkInfo {
  owner: string;
  item: DriveItem;
  expires: string | null;
}

/** A folder inside a share (`…/folders/<id>`): the path from the shared folder down to it. */
export interface SharedListing {
  folder: Crumb;
  path: Crumb[];
  /** One page, folders first (as `GET /api/drive/folders/<id>`): `next` asks for the page after. */
  items: DriveItem[];
  total: number;
  next: string | null;
}
