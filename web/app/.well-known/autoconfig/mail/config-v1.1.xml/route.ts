// GET /.well-known/autoconfig/mail/config-v1.1.xml → Thunderbird's autoconfig (the "clientConfig"
// format of Mozilla's ISPDB): our IMAP, POP3 and SMTP servers, so an account sets itself up
// from the address alone. IMAP comes first, so clients pick it (folders and flags shared with the
// webmail); POP3 second, for clients that only download. Thunderbird only reads it as application/xml or text/xml and never guesses
// our non-standard ports, so they must be here. The host is the one the browser or Thunderbird
// used to reach us (the mail daemon listens on the same machine in this deployment).
import { serverContext } from '../../../../../lib/server/context';

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One server entry. Both sign in with the local part of the address and the password as it is
 * typed (the connection's socket type is what protects it); `extra` is the entry's own settings.
 */
function serverXml(element: 'incomingServer' | 'outgoingServer', type: 'imap' | 'pop3' | 'smtp', host: string, port: number, socket: string, extra = ''): string {
  return `    <${element} type="${type}">
      <hostname>${host}</hostname>
      <port>${port}</port>
      <socketType>${socket}</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
${extra}    </${element}>
`;
}

export function GET(req: Request): Response {
  const { config } = serverContext();
  const host = xmlEscape(new URL(req.url).hostname || config.host);
  const domain = xmlEscape(config.mail.domain);
  // STARTTLS is offered when mail.tls is on; plain is allowed only on loopback (the daemon says so).
  const socket = config.mail.tls ? 'STARTTLS' : 'plain';
  const pop3 = `      <pop3>
        <leaveMessagesOnServer>true</leaveMessagesOnServer>
      </pop3>
`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${domain}">
    <domain>${domain}</domain>
    <displayName>PennCloud Mail</displayName>
    <displayShortName>PennCloud</displayShortName>
${serverXml('incomingServer', 'imap', host, config.mail.imapPort, socket)}${serverXml('incomingServer', 'pop3', host, config.mail.pop3Port, socket, pop3)}${serverXml('outgoingServer', 'smtp', host, config.mail.smtpPort, socket)}  </emailProvider>
</clientConfig>
`;
  return new Response(xml, { headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'public, max-age=300' } });
}
