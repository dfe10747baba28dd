'use client';
// What a search of the whole drive found: each file or folder with the path of the folder that
// holds it; a click opens that folder (a folder found is opened itself).
import { useQuery } from '@tanstack/react-query';
import { Header, Icon, List, Message, Segment } from 'semantic-ui-react';
import { searchQuery, type SearchHit } from '../../lib/queries/drive-trash';
import { driveUrl } from './drive-view';

export function SearchResults({ query, onOpenFolder }: { query: string; onOpenFolder: (id: string) => void }) {
  const search = useQuery(searchQuery(query));
  const target = (hit: SearchHit) => (hit.kind === 'folder' ? hit.id : hit.path[hit.path.length - 1]!.id);
  return (
    <section aria-label="Search results">
      <Header as="h2" size="small" className="pc-name">
        Results for “{query}”
      </Header>
      {search.error ? (
        <Message error role="alert" content={search.error.message} />
      ) : search.isLoading ? (
        <Segment basic loading className="pc-loading" />
      ) : search.data && search.data.hits.length === 0 ? (
        <p className="pc-muted">Nothing in your drive has a name with “{query}” in it.</p>
      ) : (
        <List divided relaxed className="pc-search-hits">
          {search.data?.hits.map((hit) => {
            const where = hit.path.map((c) => c.name).join(' / ');
            return (
              <List.Item key={hit.id}>
                <a href={driveUrl({ kind: 'folder', id: target(hit) })} aria-label={`${hit.name} in ${where}`} onClick={(e) => (e.preventDefault(), onOpenFolder(target(hit)))}>
                  <Icon name={hit.kind === 'folder' ? 'folder' : 'file outline'} color={hit.kind === 'folder' ? 'teal' : 'grey'} />
                  <span>
                    <strong className="pc-name">{hit.name}</strong>
                    <br />
                    <span className="pc-muted pc-name">{where}</span>
                  </span>
                </a>
              </List.Item>
            );
          })}
        </List>
      )}
      {search.data?.truncated && <p className="pc-muted">Only the first {search.data.hits.length} matches are shown; type more of the name to narrow them.</p>}
    </section>
  );
}
