// Measures the dashboard's live updates as pages see them: opens N
// server-sent-events connections to /api/events (as N browsers' EventSource
// would) and, for every story event, takes the time from the record's
// timestamp on wire.enriched ("arrived") to the event's arrival here.
//
//   node live_latency.js PORT CLIENTS SECONDS
//
// Prints events per connection and the p50, p99 and max delay over all.
'use strict';
const http = require('http');

const [port, clients, seconds] = process.argv.slice(2).map(Number);
const delays = [];
const counts = new Array(clients).fill(0);
const requests = [];

for (let i = 0; i < clients; i++) {
  const req = http.get({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.includes('event: story')) continue;
        const data = block.slice(block.indexOf('data: ') + 6);
        const story = JSON.parse(data);
        delays.push(Date.now() - Date.parse(story.arrived));
        counts[i]++;
      }
    });
  });
  requests.push(req);
}

setTimeout(() => {
  for (const req of requests) req.destroy();
  delays.sort((a, b) => a - b);
  const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
  console.log(JSON.stringify({
    clients,
    events: delays.length,
    per_client_min: Math.min(...counts),
    per_client_max: Math.max(...counts),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    max_ms: delays[delays.length - 1],
  }));
  process.exit(0);
}, seconds * 1000);
