import 'fomantic-ui-css/semantic.min.css';
import './globals.css';
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../components/providers';

export const metadata: Metadata = {
  title: { default: 'PennCloud', template: '%s · PennCloud' },
  description: 'Your own cloud: mail and a file drive.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#00b5ad',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
