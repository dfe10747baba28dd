'use client';
// The one notice under the toolbar: what just happened ("Message sent.", "Moved to Trash." with
// Undo) or what failed. Good news fades by itself after a few seconds, so it never piles up;
// an error stays until dismissed, since the person has to read it. A newer notice replaces it.
import { useEffect } from 'react';
import { Button, Message } from 'semantic-ui-react';

export interface Notice {
  /** Tells two notices with the same text apart, so each gets its own timer. */
  key: number;
  text: string;
  error?: boolean;
  undo?: () => void;
}

/** How long good news stays; the CSS fades it out over its last half second (mail.css). */
export const noticeShownMs = 5_000;
/** An Undo stays longer: the person needs time to reach the button. */
export const undoShownMs = 10_000;

let nextKey = 1;

export function notice(text: string, extra: Omit<Notice, 'key' | 'text'> = {}): Notice {
  return { key: nextKey++, text, ...extra };
}

export function MailNotice({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  const shownMs = notice?.undo ? undoShownMs : noticeShownMs;
  useEffect(() => {
    if (!notice || notice.error) return;
    const timer = setTimeout(onDismiss, shownMs);
    return () => clearTimeout(timer);
  }, [notice, onDismiss, shownMs]);
  if (!notice) return null;
  if (notice.error) return <Message negative role="alert" onDismiss={onDismiss} content={notice.text} className="pc-mail-notice" />;
  return (
    <Message
      positive={!notice.undo}
      role="status"
      onDismiss={onDismiss}
      key={notice.key}
      className="pc-mail-notice pc-fading"
      style={{ animationDelay: `${shownMs - 500}ms` }}
    >
      {notice.text}{' '}
      {notice.undo && (
        <Button
          compact
          basic
          size="small"
          icon="undo"
          content="Undo"
          onClick={() => {
            notice.undo?.();
            onDismiss();
          }}
        />
      )}
    </Message>
  );
}
