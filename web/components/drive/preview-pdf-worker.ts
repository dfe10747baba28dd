// The PDF viewer's worker (preview-pdf.tsx): pdf.js parses documents here, off the page's thread.
// Its own entry point so the build bundles it as a module worker (`new Worker(new URL(…,
// import.meta.url))`, which Turbopack and webpack both follow) and serves it from the site's
// own chunks: no copy under public/ to keep in step with the installed pdfjs-dist. The import
// runs pdf.js' worker, which finds itself in a worker and listens on it.
import 'pdfjs-dist/build/pdf.worker.min.mjs';
