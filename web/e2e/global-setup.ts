// Before any browser test: the web app is built (when missing or older than its sources), since
// the frontends run `next build` output, never the dev server.
import { ensureWebBuild } from '../build.ts';

export default async function globalSetup(): Promise<void> {
  await ensureWebBuild((line) => process.stdout.write(`${line}\n`));
}
