'use client';
// The file being previewed lives in the page's URL as ?preview=<id>, beside whatever else the
// page keeps there (?folder=…): a reload opens the same file again, and Back closes the viewer.
// Opening pushes a history entry; stepping to the previous or next file replaces it (Back
// still closes, it does not walk back through the files); closing goes back when the viewer
// pushed the entry, and otherwise (the page was loaded with ?preview) drops the parameter.
import { useCallback, useEffect, useMemo, useState } from 'react';

const param = 'preview';

function previewInUrl(): string | undefined {
  return new URLSearchParams(window.location.search).get(param) ?? undefined;
}

function urlWith(id: string | undefined): string {
  const url = new URL(window.location.href);
  if (id === undefined) url.searchParams.delete(param);
  else url.searchParams.set(param, id);
  return `${url.pathname}${url.search}${url.hash}`;
}

interface PreviewState {
  /** Set on the entry the viewer pushed. Next keeps its own keys beside it (its history patch). */
  pcPreview?: boolean;
}

function pushedByViewer(): boolean {
  return (window.history.state as PreviewState | null)?.pcPreview === true;
}

export interface PreviewControls {
  open(id: string): void;
  step(id: string): void;
  close(): void;
}

export function usePreviewParam(): [string | undefined, PreviewControls] {
  const [id, setId] = useState<string>();
  useEffect(() => {
    // Read after mounting: the server rendered the page without knowing the browser's URL.
    setId(previewInUrl());
    const onPop = () => setId(previewInUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const open = useCallback((next: string) => {
    setId(next);
    window.history.pushState({ pcPreview: true } satisfies PreviewState, '', urlWith(next));
  }, []);
  const step = useCallback((next: string) => {
    setId(next);
    window.history.replaceState({ pcPreview: pushedByViewer() } satisfies PreviewState, '', urlWith(next));
  }, []);
  const close = useCallback(() => {
    setId(undefined);
    if (pushedByViewer()) window.history.back();
    else window.history.replaceState(null, '', urlWith(undefined));
  }, []);
  const controls = useMemo(() => ({ open, step, close }), [open, step, close]);
  return [id, controls];
}
