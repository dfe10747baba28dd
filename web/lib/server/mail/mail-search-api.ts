// The webmail's search (GET /api/mail/search): the model's MailSearch (cluster/model/mail/
// mail-search.ts, one pass of readColumns over the user's index row) with the query checked
// here. Rows have the shape of a folder listing's (mail-list.ts), each with its folder's id,
// newest first; `more` says more messages match (or the search stopped at its byte budget,
// mail.searchScanBytesMax). Kept on globalThis like mail-context.ts.
import { z } from 'zod';
import { MailSearch, queryCharsMax, searchTerms } from '../../../../cluster/model/mail/mail-search.ts';
import { folderById } from '../../../../cluster/model/mail/mailbox-state.ts';
import { isFolder } from '../../../../cluster/model/mail/mailbox.ts';
import { serverContext } from '../context';
import { HttpError } from '../errors';
import { mailContext, noSuchFolder } from './mail-context';
import { toApi, type FolderMessage } from './mail-list';

export const searchLimitMax = 200;
const searchLimitDefault = 50;

const querySchema = z.object({
  q: z
    .string({ message: '`q` is required: the text to search for.' })
    .max(queryCharsMax, `\`q\` may be at most ${queryCharsMax} characters.`)
    .refine((q) => searchTerms(q).length > 0, '`q` must hold some text to search for.'),
  folder: z.string().refine(isFolder, '`folder` must be a folder id (inbox, sent, f1…).').optional(),
  limit: z.coerce
    .number({ message: `\`limit\` must be a whole number from 1 to ${searchLimitMax}.` })
    .int(`\`limit\` must be a whole number from 1 to ${searchLimitMax}.`)
    .min(1, `\`limit\` must be a whole number from 1 to ${searchLimitMax}.`)
    .max(searchLimitMax, `\`limit\` must be a whole number from 1 to ${searchLimitMax}.`)
    .default(searchLimitDefault),
});

export interface SearchAnswer {
  messages: FolderMessage[];
  more: boolean;
}

const key = Symbol.for('penncloud.web.mail-search');

function mailSearch(): MailSearch {
  const holder = globalThis as { [key]?: MailSearch };
  if (!holder[key]) {
    const { config, cluster } = serverContext();
    holder[key] = new MailSearch(cluster, { pageBytes: config.mail.searchPageBytes, scanBytesMax: config.mail.searchScanBytesMax });
  }
  return holder[key];
}

/** Checks the query parameters (400 with the reason) and searches the user's mail. */
export async function searchMail(user: string, params: URLSearchParams): Promise<SearchAnswer> {
  const parsed = querySchema.safeParse({ q: params.get('q') ?? undefined, folder: params.get('folder') || undefined, limit: params.get('limit') ?? undefined });
  if (!parsed.success) throw new HttpError(400, 'invalid_argument', parsed.error.issues[0]?.message ?? 'Invalid search.');
  const { q, folder, limit } = parsed.data;
  if (folder !== undefined && !folderById(await mailContext().mailbox.state.read(user), folder)) throw noSuchFolder();
  const found = await mailSearch().search(user, q, { folder, limit });
  return { messages: found.messages.map(toApi), more: found.more };
}
