// The daemon's IMAP server (imap-server.ts) on the shared folder model: each logged-in user
// gets an ImapMailStore (imap-store.ts) over the same MailFolders the webmail uses. Logins go
// through the daemon's LoginCheck with protocol 'imap', so the failed-login counters are the
// web's, POP3's and SMTP's; the session version is read before the password is checked and
// again at most every timeouts.mailSessionCheckMs (session-check.ts), so a password change ends
// the session at its next command or IDLE poll.
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { loginName } from '../../model/mail/addresses.ts';
import { MailFolders } from '../../model/mail/mail-folders.ts';
import { MailSearch } from '../../model/mail/mail-search.ts';
import type { MailboxStore } from '../../model/mail/mailbox-store.ts';
import type { ImapLoginResult } from '../core/imap/session.ts';
import { ImapServer } from './imap-server.ts';
import { ImapMailStore } from './imap-store.ts';
import type { LoginCheck } from './login-check.ts';
import { SessionCheck, sessionCheckTiming } from './session-check.ts';
import type { TlsMaterial } from './tls.ts';

export interface ImapDeps {
  config: Readonly<Config>;
  log: Logger;
  login: LoginCheck;
  mailbox: MailboxStore;
  cluster: ClusterClient;
  tls: TlsMaterial | null;
}

/** The folder model with the mail settings (the webmail makes the same one, web/lib/server/mail/mail-context.ts). */
export function mailFolders(mailbox: MailboxStore, mail: Readonly<Config['mail']>): MailFolders {
  return new MailFolders(mailbox, {
    foldersMax: mail.foldersMax,
    nameCharsMax: mail.folderNameCharsMax,
    quotaBytes: mail.mailboxQuotaBytes,
    trashRetentionMs: mail.trashRetentionMs,
    trashSweepIntervalMs: mail.trashSweepIntervalMs,
  });
}

export function createImapServer(deps: ImapDeps): ImapServer {
  const { config, log } = deps;
  const mail = config.mail;
  const folders = mailFolders(deps.mailbox, mail);
  const search = new MailSearch(deps.cluster, { pageBytes: mail.searchPageBytes, scanBytesMax: mail.searchScanBytesMax });
  const timing = sessionCheckTiming(config.timeouts);
  return new ImapServer({
    openStore: (user) => new ImapMailStore(folders, search, user, mail.messageBytesMax),
    async login(input, password, address): Promise<ImapLoginResult> {
      const version = await SessionCheck.versionBeforeLogin(deps.cluster, loginName(input, mail.domain), timing);
      const result = await deps.login.check(input, password, address, 'imap');
      if (result.outcome !== 'ok') return result;
      const check = SessionCheck.start(deps.cluster, result.user, version, timing);
      log.info('IMAP login', { user: result.user, address });
      return { outcome: 'ok', user: result.user, stillValid: () => check.stillValid() };
    },
    tls: deps.tls?.context ?? null,
    log,
    messageBytesMax: mail.messageBytesMax,
    connectionsMax: mail.connectionsMax,
    connectionsPerAddressMax: mail.connectionsPerAddressMax,
    sessionsPerUserMax: mail.imapSessionsPerUserMax,
    loginTimeoutMs: config.timeouts.imapLoginMs,
    idleTimeoutMs: mail.imapIdleTimeoutMs,
    idlePollMs: mail.imapIdlePollMs,
    lineBytesMax: mail.imapLineBytesMax,
    errorsMax: mail.imapErrorsMax,
    // The protocol trace follows the process's log level: an operator turns it on with logLevel debug.
    trace: config.logLevel === 'debug',
  });
}
