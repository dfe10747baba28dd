// One message: drawn by the webmail in ../../layout.tsx, which reads the message from the URL.
export default function MailMessagePage() {
  return null;
}
