'use client';
// Uploads the server holds unfinished (a reload, a closed tab, a frontend gone): each with how far
// it got, a hint that adding the same file again resumes it, and Discard — which frees its
// reserved room now rather than after drive.resumableUploadTtlMs. Uploads running in this page
// are left out (the panel above shows them).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Header, Segment } from 'semantic-ui-react';
import { apiRequest } from '../../lib/api-client';
import { formatBytes } from '../../lib/format-bytes';

interface Unfinished {
  id: string;
  url: string;
  name: string;
  size: number;
  offset: number;
  fingerprint?: string;
}

export const unfinishedQueryKey = ['drive', 'uploads'] as const;

export function InterruptedUploads({ running }: { running: ReadonlySet<string> }) {
  const queryClient = useQueryClient();
  const [discarding, setDiscarding] = useState<string>();
  const query = useQuery({
    queryKey: unfinishedQueryKey,
    queryFn: ({ signal }) => apiRequest<{ uploads: Unfinished[] }>('GET', '/api/drive/uploads', undefined, signal),
    staleTime: 5_000,
  });
  const waiting = (query.data?.uploads ?? []).filter((u) => !u.fingerprint || !running.has(u.fingerprint));
  if (waiting.length === 0) return null;
  const discard = async (u: Unfinished) => {
    setDiscarding(u.id);
    try {
      await fetch(u.url, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0' } });
    } finally {
      setDiscarding(undefined);
      await queryClient.invalidateQueries({ queryKey: ['drive'] });
    }
  };
  return (
    <Segment className="pc-uploads" aria-label="Interrupted uploads">
      <Header as="h4">Interrupted uploads</Header>
      {waiting.map((u) => (
        <div key={u.id} className="pc-upload" aria-label={`Interrupted upload of ${u.name}`}>
          <div className="pc-upload-line">
            <span className="pc-name" title={u.name}>
              {u.name}
            </span>
            <span className="pc-upload-status">
              {formatBytes(u.offset)} of {formatBytes(u.size)} · add the same file again to resume
            </span>
            <Button size="mini" basic compact loading={discarding === u.id} aria-label={`Discard upload of ${u.name}`} onClick={() => void discard(u)}>
              Discard
            </Button>
          </div>
        </div>
      ))}
    </Segment>
  );
}
