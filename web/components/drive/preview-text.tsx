'use client';
// Text and source code: the first textBytesMax bytes of the file, asked for with a Range request
// on the download URL, decoded as UTF-8 and shown in a <pre> as text — React sets it as a text
// node, so an HTML or SVG file shows its markup and nothing in it is ever interpreted. A note
// says when the file goes on past what is shown.
import { useEffect, useState } from 'react';
import { Message, Segment } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';

/** What the viewer reads of a text file: enough to read, little enough for any phone to lay out. */
export const textBytesMax = 256 * 1024;

type Loaded = { text: string; shown: number; total: number } | { error: string };

export function TextPreview({ url, size }: { url: string; size: number }) {
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    const abort = new AbortController();
    setLoaded(undefined);
    readStart(url, abort.signal).then(
      (result) => setLoaded(result),
      () => abort.signal.aborted || setLoaded({ error: 'The file could not be read; try again, or download it.' }),
    );
    return () => abort.abort();
  }, [url]);

  if (!loaded) return <Segment basic loading className="pc-preview-loading" aria-label="Loading the text" />;
  if ('error' in loaded) return <Message warning role="status" content={loaded.error} />;
  const total = Math.max(loaded.total, size);
  return (
    <>
      {loaded.shown < total && (
        <Message info size="small" role="note" className="pc-preview-cut">
          Showing the first {formatBytes(loaded.shown)} of {formatBytes(total)}. Download the file to see all of it.
        </Message>
      )}
      <pre className="pc-preview-text" tabIndex={0} aria-label="File content">
        {loaded.text}
      </pre>
    </>
  );
}

async function readStart(url: string, signal: AbortSignal): Promise<Loaded> {
  const response = await fetch(url, { headers: { Range: `bytes=0-${textBytesMax - 1}` }, signal, credentials: 'same-origin' });
  // 416: an empty file has no byte 0.
  if (response.status === 416) return { text: '', shown: 0, total: 0 };
  if (response.status !== 200 && response.status !== 206) return { error: `The file could not be read (the server answered ${response.status}).` };
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A server that ignored the range sent it all: show the same amount anyway.
  const shown = bytes.subarray(0, textBytesMax);
  const total = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? bytes.length);
  // stream: true leaves out a character cut in two at the end instead of showing a replacement mark.
  const text = new TextDecoder('utf-8').decode(shown, { stream: shown.length < total });
  return { text, shown: shown.length, total };
}
