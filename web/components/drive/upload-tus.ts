// One file sent to the drive with the tus protocol (tus-js-client; the server is
// app/api/drive/uploads/**): in PATCH requests from the last stored offset, retried through short
// outages, and resumable after a reload. An upload is found again by its fingerprint — the
// target folder and name and the file's size and modification time — first in this origin's
// localStorage (tus-js-client's own), then on the server, which keeps every unfinished upload of
// the user: a page reloaded through the balancer may land on another frontend, another origin,
// whose localStorage knows nothing of it.
import { defaultOptions, Upload, type DetailedError, type PreviousUpload, type UrlStorage } from 'tus-js-client';

export interface TusTarget {
  folder: string;
  /** The name the file is stored under (a Keep both name, or the file's own). */
  name: string;
  /** The id of the file this one replaces once it is complete. */
  replace?: string;
}

export interface TusCallbacks {
  onProgress(sent: number, total: number): void;
  /** The upload continues one begun earlier, from this offset. */
  onResumed(offset: number): void;
  /** The server holds the upload now, and has set its room aside. */
  onCreated(): void;
}

export interface TusHandle {
  done: Promise<void>;
  /** After a cancel: the server has let the upload go (its room and bytes are free). */
  freed: Promise<void>;
  /** Stops and tells the server to free what was sent. */
  cancel(): void;
  /** Stops, keeping what was sent for a later resume (leaving the page). */
  pause(): void;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Bytes per PATCH: each ends with the offset recorded, and a failed one is sent again from there. */
const chunkSize = 64 * 1024 * 1024;
const retryDelaysMs = [0, 1000, 3000, 5000, 10_000, 20_000];

export const uploadsEndpoint = '/api/drive/uploads';

export function fingerprintOf(file: File, target: TusTarget): string {
  return ['penncloud', target.folder, target.name, file.size, file.lastModified].join(':');
}

/** Our JSON error ({code, error}) in a tus answer, if it is one. */
function ourError(err: DetailedError | Error): { code: string; error: string } | undefined {
  const body = (err as DetailedError).originalResponse?.getBody();
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; error?: unknown };
    return typeof parsed.code === 'string' && typeof parsed.error === 'string' ? { code: parsed.code, error: parsed.error } : undefined;
  } catch {
    return undefined;
  }
}

/** Retried: no answer, a server error, a lock (423), tus' own offset conflict. Never our refusals (quota, a name taken). */
function shouldRetry(err: DetailedError): boolean {
  const status = err.originalResponse?.getStatus() ?? 0;
  if (status >= 400 && status < 500 && ourError(err)) return false;
  return status === 0 || status >= 500 || status === 409 || status === 423;
}

function messageOf(err: Error): UploadError {
  const ours = ourError(err);
  if (ours) return new UploadError(ours.error, ours.code);
  const status = (err as DetailedError).originalResponse?.getStatus() ?? 0;
  if (status === 0) return new UploadError('The connection was lost during the upload; add the file again to resume it.', 'network');
  return new UploadError(`The upload failed (the server answered ${status}); add the file again to resume it.`, 'error');
}

/** localStorage first (this origin), then the server's list of the user's unfinished uploads. */
function urlStorage(): UrlStorage {
  const local = defaultOptions.urlStorage;
  return {
    findAllUploads: () => local.findAllUploads(),
    async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
      const mine = await local.findUploadsByFingerprint(fingerprint);
      if (mine.length > 0) return mine;
      const response = await fetch(`${uploadsEndpoint}?${new URLSearchParams({ fingerprint })}`, { headers: { Accept: 'application/json' } }).catch(() => undefined);
      if (!response?.ok) return [];
      const { uploads } = (await response.json()) as { uploads: { id: string; url: string; size: number; created: string }[] };
      return uploads.map((u) => ({
        size: u.size,
        metadata: {},
        creationTime: u.created,
        urlStorageKey: `server:${u.id}`,
        uploadUrl: new URL(u.url, window.location.origin).toString(),
        parallelUploadUrls: null,
      }));
    },
    removeUpload: (key: string) => (key.startsWith('server:') ? Promise.resolve() : local.removeUpload(key)),
    addUpload: (fingerprint: string, upload: PreviousUpload) => local.addUpload(fingerprint, upload),
  };
}

export function startTusUpload(file: File, target: TusTarget, callbacks: TusCallbacks): TusHandle {
  let upload: Upload | undefined;
  let stopped = false;
  /** A creation POST was sent and its answer is not in yet: the server may be reserving room. */
  let creating = false;
  /** Cancelled (not paused): what the server holds must go. */
  let cancelling = false;
  let fail: (err: Error) => void = () => {};
  let settle: () => void = () => {};
  const freed = new Promise<void>((resolve) => (settle = resolve));
  const fingerprint = fingerprintOf(file, target);
  /** Ends a cancel: stops tus-js-client, then deletes what the server holds (found by its
   * fingerprint when the creation's answer was lost). */
  const discard = (creationLost = false) => {
    const url = upload?.url;
    void upload?.abort(false).catch(() => {});
    void (url ? deleteUpload(url) : creationLost ? discardByFingerprint(fingerprint) : Promise.resolve()).finally(settle);
  };
  const done = new Promise<void>((resolve, reject) => {
    fail = reject;
    const metadata: Record<string, string> = { name: target.name, folder: target.folder, filetype: file.type || 'application/octet-stream' };
    metadata.fingerprint = fingerprint;
    if (target.replace) metadata.replace = target.replace;
    upload = new Upload(file, {
      endpoint: new URL(uploadsEndpoint, window.location.origin).toString(),
      metadata,
      chunkSize,
      retryDelays: retryDelaysMs,
      urlStorage: urlStorage(),
      fingerprint: () => Promise.resolve(fingerprint),
      removeFingerprintOnSuccess: true,
      onShouldRetry: (err) => !stopped && shouldRetry(err),
      onProgress: (sent, total) => callbacks.onProgress(sent, total),
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'POST') creating = true;
      },
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'POST') creating = false;
        const offset = Number(res.getHeader('Upload-Offset'));
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200 && offset > 0) callbacks.onResumed(offset);
      },
      // A cancel that came while the creation was under way ends here, now that the upload has
      // an address to delete (so does one that came as start() was on its way to the POST).
      onUploadUrlAvailable: () => {
        if (cancelling) discard();
        else callbacks.onCreated();
      },
      onSuccess: () => resolve(),
      onError: (err) => {
        // A creation cut off (the connection lost) may have reserved room all the same.
        if (cancelling) discard(creating);
        creating = false;
        reject(stopped ? new UploadError('Cancelled.', 'cancelled') : messageOf(err));
      },
    });
    const started = upload;
    void started
      .findPreviousUploads()
      .then((previous) => {
        if (stopped) return;
        if (previous[0]) started.resumeFromPreviousUpload(previous[0]);
        started.start();
      })
      .catch(() => {
        if (!stopped) started.start();
      });
  });
  const stop = (cancel: boolean) => {
    if (stopped) return;
    stopped = true;
    // abort() reports nothing: the caller learns it here.
    fail(new UploadError('Cancelled.', 'cancelled'));
    if (!cancel) {
      void upload?.abort(false).catch(() => {});
      return settle();
    }
    cancelling = true;
    // A creation under way is not cut off: that would lose the answer naming what the server
    // reserved, which would then wait for drive.resumableUploadTtlMs. It ends in
    // onUploadUrlAvailable or onError above.
    if (!creating) discard();
  };
  return {
    done,
    freed,
    cancel: () => stop(true),
    pause: () => stop(false),
  };
}

const deleteHeaders = { 'Tus-Resumable': '1.0.0' };

/**
 * The tus DELETE of a cancel, as `keepalive`: it finishes even when the page is left or
 * reloaded right after the click (an XMLHttpRequest, tus-js-client's own, would be dropped).
 * Retried while the server cannot take it yet (the upload's lock held, a frontend restarting).
 */
async function deleteUpload(url: string): Promise<void> {
  for (const delayMs of retryDelaysMs) {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const response = await fetch(url, { method: 'DELETE', headers: deleteHeaders, keepalive: true }).catch(() => undefined);
    // 204 freed; 404 gone already (finished, cancelled or reclaimed); another 4xx is final.
    if (response && response.status < 500 && response.status !== 409 && response.status !== 423) return;
  }
}

/** Deletes the user's unfinished uploads of this fingerprint: a creation whose answer was lost. */
async function discardByFingerprint(fingerprint: string): Promise<void> {
  const response = await fetch(`${uploadsEndpoint}?${new URLSearchParams({ fingerprint })}`, { headers: { Accept: 'application/json' } }).catch(() => undefined);
  if (!response?.ok) return;
  const { uploads } = (await response.json()) as { uploads: { url: string }[] };
  await Promise.all(uploads.map((u) => deleteUpload(new URL(u.url, window.location.origin).toString())));
}
