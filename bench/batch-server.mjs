// The batch benchmark's server (forked by bench/batch.mjs, so its CPU time is not the client's):
// answers every POST .../conversations/<id>/messages at once with a message, on 127.0.0.1 only,
// and counts requests; with --record it keeps each arrival time for the pacing figures.
import { createServer } from 'node:http';

const record = process.argv.includes('--record');
const arrivals = [];
let count = 0;
let wrong = 0;

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
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});

process.on('message', (message) => {
  if (message === 'stats') process.send({ count, wrong, arrivals });
  if (message === 'close') server.close(() => process.exit(0));
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
