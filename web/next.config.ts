// The web app's build settings (`next build web`, see web/build.ts); its server is web/main.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const nextConfig: NextConfig = {
  // The route handlers bundle the cluster client from ../cluster, so the root is the repo.
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // Loaded at run time from node_modules (grpc-js has native-ish internals; proto files are read from ../proto).
  serverExternalPackages: ['@grpc/grpc-js', '@grpc/proto-loader'],
  poweredByHeader: false,
  // forbidden() and unauthorized(): the admin page answers 403 / 401 like the admin API (web/app/admin).
  // No server source maps: a frontend would hold them in memory (see main.ts).
  experimental: { authInterrupts: true, serverSourceMaps: false },
  // `/` is prerendered (app/page.tsx) for the visitor with no session cookie; one who may be
  // logged in, or who comes back from a refused form post, gets /login, rendered per request.
  // The cookie names are session-cookie.ts's (plain HTTP and HTTPS).
  async rewrites() {
    const toLogin = (has: { type: 'cookie' | 'query'; key: string }) => ({ source: '/', has: [has], destination: '/login' });
    return {
      beforeFiles: [
        toLogin({ type: 'cookie', key: 'penncloud_session' }),
        toLogin({ type: 'cookie', key: '__Host-penncloud_session' }),
        toLogin({ type: 'query', key: 'error' }),
      ],
      afterFiles: [],
      fallback: [],
    };
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
