'use client';
// Search: a box over this folder or every folder (sender, recipients, subject and text, as the
// API matches them), its words in the URL (`?q=`, `&in=all`), so that Back comes back to the
// results; each result names its folder and links to the message's own URL.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button, Form, Icon, Loader, Message, Table } from 'semantic-ui-react';
import { who } from '../../lib/mail-sort';
import { mailSearchQuery, type MailFolderInfo } from '../../lib/queries/mail';
import { shortDate } from './mail-format';
import { folderHref, messageHref, searchHref, type MailView } from './mail-route';

/** The search API's longest query (docs/API.md). */
const searchCharsMax = 200;

export function SearchBox({ view }: { view: MailView }) {
  const router = useRouter();
  const [text, setText] = useState(view.q);
  const [all, setAll] = useState(view.all);
  // Back and Forward change the search in the URL: the box follows.
  useEffect(() => {
    setText(view.q);
    setAll(view.all);
  }, [view.q, view.all]);
  const submit = () => {
    const q = text.trim();
    router.push(q ? searchHref(view.folder, q, all) : folderHref(view.folder));
  };
  return (
    <Form className="pc-mail-search" role="search" onSubmit={submit}>
      <Form.Input
        icon="search"
        iconPosition="left"
        placeholder="Search mail"
        aria-label="Search mail"
        value={text}
        maxLength={searchCharsMax}
        onChange={(_, d) => setText(String(d.value ?? ''))}
      />
      <Form.Checkbox label="All folders" checked={all} onChange={(_, d) => setAll(Boolean(d.checked))} />
      <Button type="submit" basic icon="search" aria-label="Search" />
    </Form>
  );
}

export function SearchResults({ view, folders }: { view: MailView; folders: MailFolderInfo[] }) {
  const results = useQuery(mailSearchQuery(view.q, view.all ? null : view.folder));
  const nameOf = (id: string) => folders.find((f) => f.id === id)?.name ?? id;
  const where = view.all ? 'all folders' : nameOf(view.folder);
  const data = results.data;
  return (
    <>
      <div className="pc-mail-listhead">
        <h2 className="pc-mail-title">
          Search: “{view.q}” in {where}
        </h2>
        <Button as={Link} href={folderHref(view.folder)} basic size="small" icon="close" content="Clear search" />
      </div>
      {results.isPending && <Loader active inline="centered" />}
      {results.error && <Message negative role="alert" content={results.error.message} />}
      {data && data.messages.length === 0 && <Message info content="No messages match." />}
      {data && data.messages.length > 0 && (
        <Table selectable unstackable compact className="pc-mail-table pc-mail-results" aria-label="Search results">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell className="pc-mail-who">From / To</Table.HeaderCell>
              <Table.HeaderCell>Subject</Table.HeaderCell>
              <Table.HeaderCell collapsing>Folder</Table.HeaderCell>
              <Table.HeaderCell collapsing>Date</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.messages.map((m) => (
              <Table.Row key={`${m.folder}/${m.id}`} className={m.unread ? 'pc-unread' : undefined} data-unread={m.unread}>
                <Table.Cell className="pc-mail-who">{who(m.folder, m)}</Table.Cell>
                <Table.Cell className="pc-mail-subject-cell">
                  <Link href={messageHref(m.folder, m.id)} className="pc-mail-subject-link">
                    {m.subject || '(no subject)'}
                  </Link>
                  {m.hasAttachments && <Icon name="attach" aria-label="has attachments" />}
                  {m.snippet && <span className="pc-mail-snippet"> — {m.snippet}</span>}
                </Table.Cell>
                <Table.Cell collapsing className="pc-mail-result-folder">
                  {nameOf(m.folder)}
                </Table.Cell>
                <Table.Cell collapsing>
                  <time dateTime={m.date}>{shortDate(m.date)}</time>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
      {data?.more && <p className="pc-muted">Only the first {data.messages.length} matches are shown; add words to narrow the search.</p>}
    </>
  );
}
