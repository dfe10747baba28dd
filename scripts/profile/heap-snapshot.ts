// Preloaded into a process, writes a V8 heap snapshot to <PROFILE_DIR>/heap-<pid>.heapsnapshot
// each time the process gets SIGUSR2 (the snapshot collects garbage first, so it holds only what
// is live). Open it in Chrome DevTools (Memory, Load), view "Summary" and follow the retainers of
// `system / JSArrayBufferData` to see what holds the Buffers.
//   PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import tsx --import ./scripts/profile/heap-snapshot.ts" npm run bench:kvs
//   (then, during the phase of interest: kill -USR2 $(pgrep -f cluster/kvs/main))
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

process.on('SIGUSR2', () => {
  writeHeapSnapshot(path.join(process.env.PROFILE_DIR ?? '/tmp', `heap-${process.pid}.heapsnapshot`));
});
