// Next calls register() once when a frontend's server starts (web/main.ts). It starts the
// drive's background sweep (lib/server/drive/drive-housekeeping.ts) in a frontend process only:
// not in `next build`, which has no frontend number, nor in another runtime.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.PENNCLOUD__web__frontend) return;
  const { serverContext } = await import('./lib/server/context');
  const { startHousekeeping } = await import('./lib/server/drive/drive-housekeeping');
  startHousekeeping(serverContext());
}
