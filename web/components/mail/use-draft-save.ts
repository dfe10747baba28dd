'use client';
// Saving the compose window's draft as the person types: `changed` after every keystroke starts
// a wait of draftSaveDelayMs, and only the last change of a burst is saved; closing the window
// saves what is left at once (`flush`). Saves run one after another, each naming the draft the
// one before saved (`replaces`), so Drafts holds one copy however many saves there were, and
// sending first waits for a save under way (`settle`) so that the draft it removes is the last.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiRequest } from '../../lib/api-client';
import { refreshMail, type SaveDraftInput } from '../../lib/queries/mail';

/** The wait after the last keystroke before a draft is saved. */
export const draftSaveDelayMs = 2_000;

export type DraftState = { kind: 'idle' } | { kind: 'unsaved' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

export function useDraftSave() {
  const queryClient = useQueryClient();
  const draftId = useRef<string | null>(null);
  const pending = useRef<SaveDraftInput | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const [state, setState] = useState<DraftState>({ kind: 'idle' });

  const stopTimer = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  /** Saves what changed, now; resolves with the draft's id once every save so far is done. */
  const flush = useCallback((): Promise<string | null> => {
    stopTimer();
    const fields = pending.current;
    pending.current = null;
    if (fields) {
      chain.current = chain.current.then(async () => {
        setState({ kind: 'saving' });
        try {
          const saved = await apiRequest<{ id: string }>('POST', '/api/mail/drafts', { ...fields, replaces: draftId.current ?? undefined });
          draftId.current = saved.id;
          // A newer change may be waiting already: only the last save says "Saved".
          setState(pending.current ? { kind: 'unsaved' } : { kind: 'saved' });
        } catch (err) {
          setState({ kind: 'failed', message: err instanceof Error ? err.message : 'The draft could not be saved.' });
        }
        await refreshMail(queryClient);
      });
    }
    return chain.current.then(() => draftId.current);
  }, [queryClient]);

  const changed = useCallback(
    (fields: SaveDraftInput) => {
      pending.current = fields;
      setState({ kind: 'unsaved' });
      stopTimer();
      timer.current = setTimeout(() => void flush(), draftSaveDelayMs);
    },
    [flush],
  );

  /** Before sending: changes not yet saved are dropped (the message goes out instead); a save under way is waited for. */
  const settle = useCallback((): Promise<string | null> => {
    stopTimer();
    pending.current = null;
    return chain.current.then(() => draftId.current);
  }, []);

  /** A new compose session: continuing the draft `id`, or none. */
  const start = useCallback((id: string | null) => {
    stopTimer();
    pending.current = null;
    draftId.current = id;
    setState({ kind: 'idle' });
  }, []);

  // A window that goes away (a page change) keeps what was typed.
  useEffect(() => () => void flush(), [flush]);

  return { state, changed, flush, settle, start, draftId: () => draftId.current };
}
