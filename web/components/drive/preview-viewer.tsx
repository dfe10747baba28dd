'use client';
// The file viewer, for the drive (a dialog over the folder, with the folder's other files one
// step away) and for a link's page (in the page): the file's name, size, type and modified
// date, a Download button, and the file itself as its kind allows (web/lib/drive-preview.ts):
// an image, a PDF drawn by pdf.js, the start of a text file as text, audio or video in the
// browser's player, streamed by range so it can seek; anything else only its details.
//
// Images and media load from the file's URL with ?inline=1, which the server honours only for
// types on its allowlist and always answers with nosniff and a sandboxing CSP; PDF and text are
// read by script from the ordinary download URL and drawn by the page, never opened as a
// document of the site.
import { useEffect, useState } from 'react';
import { Button, Icon, Modal } from 'semantic-ui-react';
import type { DriveItem } from '../../lib/drive-api';
import { previewKindOf } from '../../lib/drive-preview';
import { formatBytes } from '../../lib/format-bytes';
import { PdfPreview } from './preview-pdf';
import { TextPreview } from './preview-text';
import './preview.css';

/** The same URL asking for the inline form. */
export function inlineUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}inline=1`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The file itself as its kind allows, then its details and a Download button. */
export function FilePreview({ item, url }: { item: DriveItem; url: string }) {
  return (
    <div className="pc-preview" data-kind={previewKindOf(item.type, item.name)}>
      <div className="pc-preview-stage">
        <PreviewBody item={item} url={url} />
      </div>
      <div className="pc-preview-details">
        <dl>
          <dt>Name</dt>
          <dd className="pc-name">{item.name}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(item.size ?? 0)}</dd>
          <dt>Type</dt>
          <dd>{item.type ?? 'unknown'}</dd>
          <dt>Modified</dt>
          <dd>{dateFormat.format(new Date(item.modified))}</dd>
        </dl>
        <Button as="a" primary icon="download" content="Download" href={url} download={item.name} />
      </div>
    </div>
  );
}

function PreviewBody({ item, url }: { item: DriveItem; url: string }) {
  const [failed, setFailed] = useState(false);
  const kind = previewKindOf(item.type, item.name);
  if (failed) return <NoPreview text={kind === 'image' ? 'This image cannot be shown (it may be damaged).' : 'This file cannot be played in this browser.'} />;
  switch (kind) {
    case 'image':
      return <img className="pc-preview-image" src={inlineUrl(url)} alt={item.name} onError={() => setFailed(true)} />;
    case 'video':
      return <video className="pc-preview-video" src={inlineUrl(url)} controls preload="metadata" aria-label={item.name} onError={() => setFailed(true)} />;
    case 'audio':
      return <audio className="pc-preview-audio" src={inlineUrl(url)} controls preload="metadata" aria-label={item.name} onError={() => setFailed(true)} />;
    case 'pdf':
      return <PdfPreview url={url} name={item.name} />;
    case 'text':
      return <TextPreview url={url} size={item.size ?? 0} />;
    default:
      return <NoPreview text="There is no preview of this kind of file. Download it to open it." />;
  }
}

function NoPreview({ text }: { text: string }) {
  return (
    <div className="pc-preview-none" role="status">
      <Icon name="file outline" size="huge" color="grey" />
      <p>{text}</p>
    </div>
  );
}

/**
 * The drive's viewer: a dialog over the folder. Arrow keys and the buttons step to the previous
 * and next file of the folder, in the order it is listed; Escape or Close closes.
 */
export function PreviewModal({ item, url, onClose, onPrevious, onNext }: { item: DriveItem; url: string; onClose: () => void; onPrevious?: () => void; onNext?: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Keys typed into the page's controls (a video's seek bar) stay theirs.
      if (event.target instanceof HTMLElement && event.target.closest('video, audio, input, textarea, pre')) return;
      if (event.key === 'ArrowLeft' && onPrevious) onPrevious();
      if (event.key === 'ArrowRight' && onNext) onNext();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onPrevious, onNext]);
  return (
    <Modal open size="large" onClose={onClose} role="dialog" aria-modal aria-label={`Preview of ${item.name}`} className="pc-preview-modal">
      <Modal.Header className="pc-preview-header">
        <span className="pc-name">{item.name}</span>
        <span className="pc-preview-nav">
          <Button basic compact icon="chevron left" aria-label="Previous file" disabled={!onPrevious} onClick={onPrevious} />
          <Button basic compact icon="chevron right" aria-label="Next file" disabled={!onNext} onClick={onNext} />
          <Button basic compact icon="close" aria-label="Close" onClick={onClose} />
        </span>
      </Modal.Header>
      <Modal.Content scrolling>
        {/* Keyed by the file: stepping to another starts its preview afresh. */}
        <FilePreview key={item.id} item={item} url={url} />
      </Modal.Content>
    </Modal>
  );
}
