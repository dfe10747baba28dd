// One HTTP request through Node's http rather than fetch, for callers that stream a large body
// and watch the writes (backpressure, a connection cut mid-upload): the benchmarks and the
// drive's end-to-end specs.
import http from 'node:http';

/**
 * Sends the request and answers its status and body as text. `send` writes the body and must
 * end the request; without it the request is sent with no body. A network error rejects.
 */
export function httpText(url: string, options: http.RequestOptions, send?: (req: http.ClientRequest) => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (send) send(req);
    else req.end();
  });
}
