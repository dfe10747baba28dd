// GET /.well-known/autoconfig/mail/config-v1.1.xml → Thunderbird's autoconfig (the "clientConfig"
// format of Mozilla's ISPDB): our POP3 and SMTP servers, so an account sets itself up from the
// address alone. Thunderbird only reads it as application/xml or text/xml and never guesses
// our non-standard ports, so they must be here. The host is the one the browser or Thunderbird
// used to reach us (the mail daemon listens on the same machine in this deployment).
import { serverContext } from '../../../../../lib/server/context';

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function GET(req: Request): Response {
  const { config } = serverContext();
  const host = xmlEscape(new URL(req.url).hostname || config.host);
  const domain = xmlEscape(config.mail.domain);
  // STARTTLS is offered when mail.tls is on; plain is allowed only on loopback (the daemon says so).
  const socket = config.mail.tls ? 'STARTTLS' : 'plain';
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${domain}">
    <domain>${domain}</domain>
    <displayName>PennCloud Mail</displayName>
    <displayShortName>PennCloud</displayShortName>
    <incomingServer type="pop3">
      <hostname>${host}</hostname>
      <port>${config.mail.pop3Port}</port>
      <socketType>${socket}</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
      <pop3>
        <leaveMessagesOnServer>true</leaveMessagesOnServer>
      </pop3>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>${host}</hostname>
      <port>${config.mail.smtpPort}</port>
      <socketType>${socket}</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`;
  return new Response(xml, { headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'public, max-age=300' } });
}
