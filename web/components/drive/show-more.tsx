'use client';
// The foot of a long folder: how many of its items are shown, and a "Show more" button that
// loads the next page (drive listings come a page at a time, docs/API.md). The button also
// loads by itself when it scrolls into view, so scrolling down a folder simply goes on.
import { useEffect, useRef } from 'react';
import { Button } from 'semantic-ui-react';

/** `sortNote`: say that sorting by a column orders only the items shown (a folder's table sorts them). */
export function ShowMore({ shown, total, loading, onMore, sortNote = false }: { shown: number; total: number; loading: boolean; onMore: () => void; sortNote?: boolean }) {
  const foot = useRef<HTMLDivElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    const el = foot.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((seen) => seen.some((e) => e.isIntersecting) && more.current(), { rootMargin: '400px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={foot} className="pc-show-more" style={{ textAlign: 'center', margin: '1em 0' }}>
      <p className="pc-muted" aria-live="polite">
        Showing {shown.toLocaleString('en')} of {total.toLocaleString('en')} items.{sortNote && ' Sorting by size or date orders the items shown.'}
      </p>
      <Button basic content="Show more" icon="angle down" loading={loading} disabled={loading} onClick={onMore} />
    </div>
  );
}
