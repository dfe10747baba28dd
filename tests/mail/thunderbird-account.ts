// The Marionette script that gives Thunderbird an account on the test's mail daemon: an incoming
// server (POP3 or IMAP) and an SMTP server to send with, both with plain passwords on loopback
// (the daemon's rule for loopback clients). Arguments: incoming port, SMTP port, user, password;
// it answers the account's key. `saveSentCopy: false` keeps Thunderbird from filing its own copy
// of what it sends (the POP3 account has no server-side Sent to file it in).

export function accountSetupScript(type: 'pop3' | 'imap', saveSentCopy: boolean): string {
  return `
const [incomingPort, smtpPort, user, pw] = arguments;
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.createIncomingServer(user, "127.0.0.1", "${type}");
server.port = incomingPort;
server.socketType = Ci.nsMsgSocketType.plain;
server.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
server.password = pw;
const identity = MailServices.accounts.createIdentity();
identity.email = user + "@localhost";
identity.fullName = user;
${saveSentCopy ? '' : 'identity.doFcc = false;'}
const smtp = MailServices.outgoingServer.createServer("smtp");
smtp.QueryInterface(Ci.nsISmtpServer).hostname = "127.0.0.1";
smtp.QueryInterface(Ci.nsISmtpServer).port = smtpPort;
smtp.username = user;
smtp.password = pw;
smtp.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
smtp.socketType = Ci.nsMsgSocketType.plain;
identity.smtpServerKey = smtp.key;
const account = MailServices.accounts.createAccount();
account.addIdentity(identity);
account.incomingServer = server;
resolve(account.key);
`;
}
