// One bounded load on one page with autocannon (npm, node_modules/), for `manage.py bench`.
// Reads a list of loads [{key, url, connections, duration, headers, timeout}, …] as JSON from
// argv[2], runs them one after the other and prints one JSON line for each: requests, errors,
// bytes per response, requests per second and latency percentiles.
// autocannon's own summary has no 95th percentile, so every response time is kept here.
"use strict";

const http = require("node:http");
const autocannon = require("autocannon");

const jobs = JSON.parse(process.argv[2]);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function run(options) {
  return new Promise((resolve, reject) => {
    const times = [];
    const statuses = {};
    let bytes = 0;
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.duration,
        headers: options.headers,
        timeout: options.timeout,
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = times.slice().sort((a, b) => a - b);
        const ok = (statuses["200"] || 0) + (statuses["304"] || 0);
        const responses = times.length;
        resolve({
          requests: responses,
          statuses,
          errors: responses - ok + result.errors + result.timeouts,
          timeouts: result.timeouts,
          bytes_per_response: responses ? Math.round(bytes / responses) : 0,
          requests_per_second: responses / result.duration,
          seconds: result.duration,
          p50_ms: percentile(sorted, 50),
          p95_ms: percentile(sorted, 95),
          p99_ms: percentile(sorted, 99),
          max_ms: sorted.length ? sorted[sorted.length - 1] : null,
        });
      },
    );
    instance.on("response", (client, statusCode, resBytes, responseTime) => {
      times.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] || 0) + 1;
      bytes += resBytes;
    });
  });
}

// Waits until one request to ``url`` (the floor page) answers within a second again, at most
// five minutes: the server has worked off what the last load left in its queue.
async function idle(url, headers) {
  const deadline = Date.now() + 300000;
  while (Date.now() < deadline) {
    const started = Date.now();
    try {
      await new Promise((resolve, reject) => {
        const request = http.get(url, { headers }, (response) => {
          response.resume();
          response.on("end", resolve);
        });
        request.on("error", reject);
        request.setTimeout(300000, () => request.destroy(new Error("timeout")));
      });
    } catch (error) {
      // The server is not answering yet: try again.
    }
    if (Date.now() - started < 1000) return;
  }
}

(async () => {
  // One after the other, never at once: each load has the server to itself.
  for (const job of jobs) {
    const result = await run(job);
    process.stdout.write(JSON.stringify({ key: job.key, ...result }) + "\n");
    // autocannon stops sending at the end, but the server still works off what its queue
    // holds; the next load waits for that, about as long as the slowest response took.
    if (job.probe) await idle(job.probe, job.headers);
  }
})().catch((error) => {
  console.error(String(error));
  process.exit(1);
});
