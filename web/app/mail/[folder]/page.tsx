// A folder's list: drawn by the webmail in ../layout.tsx, which reads the folder from the URL.
export default function MailFolderPage() {
  return null;
}
