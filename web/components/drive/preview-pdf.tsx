'use client';
// A PDF drawn in the page with pdf.js, one page at a time on a canvas, with page buttons. pdf.js
// reads the file from its download URL by byte ranges (only the pages shown are fetched), parses
// it in a worker, and never runs the document's own JavaScript: no scripting layer is set up, no
// annotation layer (its links and forms) is added, XFA forms stay off, and isEvalSupported is
// false so no code is ever built from the file's strings. The library loads only when a PDF is
// opened.
import { useEffect, useRef, useState } from 'react';
import { Button, Message, Segment } from 'semantic-ui-react';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';

type PdfJs = typeof import('pdfjs-dist');

/** The canvas is at most this wide in CSS pixels (sharper on a high-density screen), and holds at most this many device pixels. */
const pageWidthMax = 900;
const canvasPixelsMax = 16_000_000;

let library: Promise<PdfJs> | undefined;
/** The previous document's teardown: pdf.js refuses a new document on the worker until it is done. */
let lastTeardown: Promise<void> = Promise.resolve();

function loadPdfJs(): Promise<PdfJs> {
  library ??= import('pdfjs-dist').then((pdfjs) => {
    // One worker for the page's lifetime, shared by every document opened in it.
    pdfjs.GlobalWorkerOptions.workerPort = new Worker(new URL('./preview-pdf-worker.ts', import.meta.url), { type: 'module' });
    return pdfjs;
  });
  return library;
}

export function PdfPreview({ url, name }: { url: string; name: string }) {
  const [doc, setDoc] = useState<PDFDocumentProxy>();
  const [error, setError] = useState<string>();
  const [page, setPage] = useState(1);

  useEffect(() => {
    let cancelled = false;
    let teardown: (() => Promise<void>) | undefined;
    setDoc(undefined);
    setError(undefined);
    setPage(1);
    void (async () => {
      try {
        const pdfjs = await loadPdfJs();
        await lastTeardown;
        if (cancelled) return;
        const task = pdfjs.getDocument({ url, isEvalSupported: false, enableXfa: false, disableAutoFetch: true, disableStream: true, stopAtErrors: false });
        teardown = () => task.destroy();
        const loaded = await task.promise;
        if (!cancelled) setDoc(loaded);
      } catch (err) {
        if (!cancelled) setError(err instanceof Error && err.name === 'PasswordException' ? 'This PDF is protected by a password.' : 'This PDF cannot be shown (it may be damaged).');
      }
    })();
    return () => {
      cancelled = true;
      if (teardown) lastTeardown = teardown().catch(() => {});
    };
  }, [url]);

  if (error) return <Message warning role="status" content={error} />;
  if (!doc) return <Segment basic loading className="pc-preview-loading" aria-label="Loading the PDF" />;
  return (
    <div className="pc-preview-pdf">
      <PdfPage doc={doc} number={page} name={name} />
      {doc.numPages > 1 && (
        <div className="pc-preview-pages">
          <Button basic compact icon="chevron left" aria-label="Previous page" disabled={page <= 1} onClick={() => setPage((p) => p - 1)} />
          <span aria-live="polite">
            Page {page} of {doc.numPages}
          </span>
          <Button basic compact icon="chevron right" aria-label="Next page" disabled={page >= doc.numPages} onClick={() => setPage((p) => p + 1)} />
        </div>
      )}
    </div>
  );
}

function PdfPage({ doc, number, name }: { doc: PDFDocumentProxy; number: number; name: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'drawing' | 'drawn' | 'failed'>('drawing');

  useEffect(() => {
    let render: RenderTask | undefined;
    let cancelled = false;
    setState('drawing');
    void (async () => {
      try {
        const page = await doc.getPage(number);
        const target = canvas.current;
        if (cancelled || !target) return;
        const natural = page.getViewport({ scale: 1 });
        const cssWidth = Math.min(pageWidthMax, target.parentElement?.clientWidth || pageWidthMax);
        const ratio = window.devicePixelRatio || 1;
        let scale = (cssWidth / natural.width) * ratio;
        const pixels = natural.width * natural.height * scale * scale;
        if (pixels > canvasPixelsMax) scale *= Math.sqrt(canvasPixelsMax / pixels);
        const viewport = page.getViewport({ scale });
        target.width = Math.floor(viewport.width);
        target.height = Math.floor(viewport.height);
        target.style.width = `${Math.floor(viewport.width / ratio)}px`;
        render = page.render({ canvas: target, viewport });
        await render.promise;
        if (!cancelled) setState('drawn');
      } catch (err) {
        if (!cancelled && !(err instanceof Error && err.name === 'RenderingCancelledException')) setState('failed');
      }
    })();
    return () => {
      cancelled = true;
      render?.cancel();
    };
  }, [doc, number]);

  return (
    <>
      {state === 'failed' && <Message warning role="status" content={`Page ${number} cannot be drawn.`} />}
      <canvas ref={canvas} className="pc-preview-canvas" data-state={state} aria-label={`Page ${number} of ${name}`} role="img" />
    </>
  );
}
