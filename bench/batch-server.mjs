// The batch benchmark's server (forked by bench/batch.mjs, so its CPU time is not the client's):
// answers every POST .../conversations/<id>/messages at once with a message, on 127.0.0.1 only,
// and counts requests; with --record it keeps each arrival time for the pacing figures. With
// --delay=MS it answers each request MS after it arrived (a server across the internet), and with
// --window=MS --limit=N it emulates the server's rate limit: fixed windows, the N+1st request of a
// window answered 429 text/plain "Retry later" (counted, not saved).
import { createServer } from 'node:http';

const arg = (name) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? 0);
const record = process.argv.includes('--record');
const delay = arg('delay');
const windowMs = arg('window');
const limit = arg('limit');
const windows = new Map();
const arrivals = [];
let count = 0;
let wrong = 0;
let refused = 0;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const conversation = Number(/conversations\/(\d+)\/messages$/.exec(req.url ?? '')?.[1]);
    if (req.method !== 'POST' || !conversation || req.headers.api_access_token !== 'BenchToken0000000001') {
      wrong++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad');
      return;
    }
    if (windowMs > 0) {
      const window = Math.floor(at / windowMs);
      const inWindow = (windows.get(window) ?? 0) + 1;
      windows.set(window, inWindow);
      if (inWindow > limit) {
        refused++;
        const refuse = () => res.writeHead(429, { 'content-type': 'text/plain' }).end('Retry later\n');
        if (delay > 0) setTimeout(refuse, delay);
        else refuse();
        return;
      }
    }
    count++;
    if (record) arrivals.push(at);
    const body = JSON.stringify({
      id: count,
      content: 'x',
      inbox_id: 1,
      conversation_id: conversation,
      message_type: 1,
      content_type: 'text',
      status: 'sent',
      content_attributes: {},
      created_at: 1764096000,
      private: false,
      source_id: null,
    });
    const answer = () =>
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
});

process.on('message', (message) => {
  if (message === 'stats') process.send({ count, wrong, refused, arrivals });
  if (message === 'close') server.close(() => process.exit(0));
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
