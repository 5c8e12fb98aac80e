// Reads the Prometheus text of /metrics into per-route request counts, latency sums and
// histogram buckets, and derives rates and latencies between two readings.

// [{name, labels: {k: v}, value}] for every sample line.
export function parsePrometheus(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
    }
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

// Per route: {count, sum, errors, buckets: [[le, cumulative]]}; plus gauges.
export function summarize(samples) {
  const routes = {};
  const r = (name) => (routes[name] ||= { count: 0, sum: 0, errors: 0, buckets: [] });
  const gauges = {};
  const rejected = {};
  for (const s of samples) {
    const route = s.labels.route;
    if (s.name === 'ekyc_request_duration_seconds_count') r(route).count = s.value;
    else if (s.name === 'ekyc_request_duration_seconds_sum') r(route).sum = s.value;
    else if (s.name === 'ekyc_request_duration_seconds_bucket') r(route).buckets.push([s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value]);
    else if (s.name === 'ekyc_errors_total') r(route).errors += s.value;
    else if (s.name === 'ekyc_rejected_total') rejected[s.labels.reason] = s.value;
    else if (['ekyc_queue_depth', 'ekyc_workers', 'ekyc_workers_busy', 'ekyc_worker_busy_seconds_total'].includes(s.name)) gauges[s.name] = s.value;
  }
  for (const v of Object.values(routes)) v.buckets.sort((a, b) => a[0] - b[0]);
  return { routes, gauges, rejected };
}

// The q-quantile of a cumulative histogram (linear inside the bucket), or null.
export function quantile(buckets, q) {
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1][1];
  if (!(total > 0)) return null;
  const target = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= target) {
      if (le === Infinity) return prevLe;
      const inBucket = count - prevCount;
      return inBucket > 0 ? prevLe + ((le - prevLe) * (target - prevCount)) / inBucket : le;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

// Between two summaries taken `seconds` apart: per route {rate, meanLatency} over that interval.
export function delta(prev, cur, seconds) {
  const out = {};
  for (const [route, c] of Object.entries(cur.routes)) {
    const p = prev && prev.routes[route];
    if (!p || !(seconds > 0)) continue;
    const dn = c.count - p.count;
    out[route] = { rate: dn / seconds, meanLatency: dn > 0 ? (c.sum - p.sum) / dn : null };
  }
  return out;
}
