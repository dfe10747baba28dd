'use client';
// The folders: the system ones, then the user's by name, a level of a nested name ("Projects/2026")
// indented under its parent, each with its unread count, each a link to its own URL. On a phone
// the list folds into a "Folders" button that opens it (mail.css).
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Button, Icon, Label, Menu, type SemanticICONS } from 'semantic-ui-react';
import type { MailFolderInfo } from '../../lib/queries/mail';
import { folderHref } from './mail-route';

const roleIcons: Record<string, SemanticICONS> = { inbox: 'inbox', drafts: 'pencil', sent: 'send', junk: 'ban', trash: 'trash alternate outline' };

/** How a folder shows: its last level, indented, under a parent that is listed; else its whole name. */
export function folderLabel(folder: MailFolderInfo, all: MailFolderInfo[]): { text: string; depth: number } {
  if (folder.role) return { text: folder.name, depth: 0 };
  const levels = folder.name.split('/');
  for (let cut = levels.length - 1; cut > 0; cut--) {
    const parent = levels.slice(0, cut).join('/').toLowerCase();
    if (all.some((f) => !f.role && f.name.toLowerCase() === parent)) return { text: levels.slice(cut).join('/'), depth: cut };
  }
  return { text: folder.name, depth: 0 };
}

export function FolderSidebar({
  folders,
  current,
  open,
  onToggle,
  ready,
  onNewFolder,
}: {
  folders: MailFolderInfo[];
  current: string;
  open: boolean;
  onToggle: (open: boolean) => void;
  /** The page's script runs: the buttons work. */
  ready: boolean;
  onNewFolder: () => void;
}) {
  const queryClient = useQueryClient();
  const here = folders.find((f) => f.id === current);
  // A click on a folder asks for it as it is now, whatever the cache holds, and for the counts.
  const opening = (id: string) => {
    void queryClient.invalidateQueries({ queryKey: ['mail', id], predicate: (q) => q.queryKey[2] !== 'message' });
    void queryClient.invalidateQueries({ queryKey: ['mail', 'folders'] });
    onToggle(false);
  };
  return (
    <div className="pc-mail-side">
      <Button basic className="pc-mail-folders-toggle" disabled={!ready} aria-expanded={open} onClick={() => onToggle(!open)} icon labelPosition="left">
        <Icon name={open ? 'close' : 'bars'} />
        Folders{here ? `: ${here.name}` : ''}
      </Button>
      <nav aria-label="Mail folders" className={`pc-mail-sidebar${open ? ' pc-open' : ''}`}>
        <Menu vertical fluid secondary pointing>
          {folders.map((f) => {
            const { text, depth } = folderLabel(f, folders);
            return (
              <Menu.Item
                key={f.id}
                as={Link}
                href={folderHref(f.id)}
                active={f.id === current}
                aria-current={f.id === current ? 'page' : undefined}
                aria-label={f.unread > 0 ? `${f.name}, ${f.unread} unread` : f.name}
                title={f.name}
                data-folder={f.id}
                onClick={() => opening(f.id)}
                style={depth ? { paddingLeft: `${1.2 + depth}em` } : undefined}
              >
                {f.unread > 0 && (
                  <Label size="small" color={f.role === 'inbox' ? 'teal' : undefined} className="pc-count">
                    {f.unread}
                  </Label>
                )}
                <Icon name={f.role ? roleIcons[f.role] : 'folder outline'} />
                <span className="pc-name">{text}</span>
              </Menu.Item>
            );
          })}
        </Menu>
        <Button basic fluid size="small" icon="plus" content="New folder" disabled={!ready} onClick={onNewFolder} />
      </nav>
    </div>
  );
}
