'use client';
// What changed while this page was open: node states, primaries, frontends, the mail daemon,
// restarts by `npm start`, and the actions taken from this page. Newest first.
import { List, Segment, type SemanticCOLORS, type SemanticICONS } from 'semantic-ui-react';
import type { Change, ChangeTone } from './cluster-changes';
import { formatTime } from './format';
import { SectionHeader } from './section-header';

export interface FeedEntry extends Change {
  id: number;
  at: Date;
  /** An action taken from this page. */
  mine?: boolean;
}

const look: Record<ChangeTone, { icon: SemanticICONS; color: SemanticCOLORS }> = {
  good: { icon: 'check circle', color: 'green' },
  bad: { icon: 'times circle', color: 'red' },
  warn: { icon: 'exclamation circle', color: 'orange' },
  info: { icon: 'info circle', color: 'blue' },
};

export function ChangeFeed({ entries }: { entries: FeedEntry[] }) {
  return (
    <Segment as="section" aria-label="Recent changes">
      <SectionHeader icon="history" title="Recent changes" subheader="Seen by this page since it opened" />
      {entries.length === 0 ? (
        <p className="pc-admin-muted">Nothing has changed since you opened this page.</p>
      ) : (
        <List divided relaxed className="pc-admin-feed">
          {entries.map((e) => (
            <List.Item key={e.id}>
              <List.Icon name={e.mine ? 'user' : look[e.tone].icon} color={e.mine ? 'teal' : look[e.tone].color} verticalAlign="middle" />
              <List.Content>
                <span className="pc-admin-time">{formatTime(e.at)}</span> {e.text}
              </List.Content>
            </List.Item>
          ))}
        </List>
      )}
    </Segment>
  );
}
