// What /admin shows, with status 403, to a logged-in user who is not an admin.
import { AppShell } from '../../components/app-shell';
import { NotAllowed } from '../../components/not-allowed';

export default function AdminForbidden() {
  return (
    <AppShell area="admin">
      <NotAllowed />
    </AppShell>
  );
}
