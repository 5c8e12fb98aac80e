// Operations: readiness (/readyz), version, capabilities and models with their sha256
// (/call/server_info), face-database counts and collections, request rate and latency per route
// (/metrics, between two readings), recent audit events without user or face ids
// (/call/audit_events).
import { h, clear, num, facts, badge, uid } from './dom.js';
import { t, formatTime } from './i18n.js';
import { call, getPublic } from './api.js';
import { actionArea, run, card, errorBox } from './ui.js';
import { parsePrometheus, summarize, quantile, delta } from './metrics.js';

const AUTO_REFRESH_S = 10;
const AUDIT_PAGE = 50;

export function mountOperations(panel) {
  const refresh = h('button', { type: 'button', i18n: 'ops.refresh' });
  const auto = h('input', { type: 'checkbox', id: uid('auto') });
  const area = actionArea();
  const ready = h('div');
  const server = h('div');
  const models = h('div');
  const store = h('div');
  const traffic = h('div');
  const audit = h('div');
  const olderBtn = h('button', { type: 'button', class: 'secondary', i18n: 'ops.older', hidden: true });
  panel.append(
    h('div', { class: 'card toolbar' }, refresh,
      h('span', { class: 'check' }, auto, h('label', { for: auto.id, i18n: 'ops.auto', args: { s: AUTO_REFRESH_S } })),
      area.status),
    h('div', { class: 'grid' },
      card('ops.ready_title', ready), card('ops.server_title', server), card('ops.store_title', store)),
    card('ops.traffic_title', traffic),
    card('ops.models_title', models),
    card('ops.audit_title', h('p', { class: 'hint', i18n: 'ops.audit_hint' }), audit, olderBtn));

  let prevMetrics = null;
  let prevAt = 0;
  let timer = null;
  let oldestAudit = 0;

  async function load() {
    const results = await Promise.allSettled([loadReady(), loadInfo(), loadMetrics(), loadAudit()]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async function loadReady() {
    const r = await getPublic('/readyz');
    clear(ready);
    let j = null;
    try { j = JSON.parse(r.text); } catch { /* shown below */ }
    if (!j) { ready.append(h('p', { class: 'error', text: `HTTP ${r.status}` })); return; }
    ready.append(h('p', { class: 'ready-state', dataset: { ready: String(j.ready) } }, j.ready ? badge('ok', 'ops.ready') : badge('bad', 'ops.not_ready')));
    ready.append(table(['ops.check', 'ops.state', 'ops.message'],
      (j.checks || []).map((c) => [h('code', { text: c.name }), c.ok ? badge('ok', 'common.ok') : badge('bad', 'common.failed'), c.message])));
  }

  async function loadInfo() {
    const env = await call('server_info');
    const i = env.output || {};
    clear(server);
    server.append(facts([
      ['ops.version', h('span', { class: 'version', text: i.version })],
      ['ops.api_version', i.api_version],
      ['ops.face_model', h('code', { class: 'wrap', text: i.face_model || '—' })],
      ['ops.key', i.api_key_name],
    ]));
    server.append(table(['ops.capability', 'ops.state', 'ops.message'],
      (i.capabilities || []).map((c) => [h('span', { i18n: `cap.${c.name}` }), c.available ? badge('ok', 'ops.available') : badge('bad', 'ops.unavailable'), c.message])));
    clear(models);
    if (i.models_error) models.append(h('p', { class: 'error', text: i.models_error }));
    const mt = table(['ops.model', 'ops.model_version', 'ops.sha256'],
      (i.models || []).map((m) => [h('code', { text: m.id }), h('span', { class: 'wrap', text: m.version }), h('code', { class: 'sha', text: m.sha256 })]));
    mt.classList.add('models');
    models.append(mt);
    clear(store);
    const s = i.store;
    if (!s) { store.append(badge('bad', 'ops.unavailable')); return; }
    store.append(facts([
      ['ops.backend', s.backend], ['ops.users', String(s.users)], ['ops.faces', String(s.faces)],
      ['ops.fingerprints', String(s.fingerprints)], ['ops.audit_rows', String(s.audit_rows)],
    ]));
    store.append(table(['db.collection', 'ops.indexed_faces'], (s.collections || []).map((c) => [h('code', { text: c.name }), String(c.faces)])));
  }

  async function loadMetrics() {
    const r = await getPublic('/metrics');
    const now = performance.now();
    const cur = summarize(parsePrometheus(r.text));
    const rates = delta(prevMetrics, cur, (now - prevAt) / 1000);
    const interval = prevMetrics ? (now - prevAt) / 1000 : 0;
    prevMetrics = cur;
    prevAt = now;
    clear(traffic);
    const g = cur.gauges;
    traffic.append(facts([
      ['ops.workers', `${g.ekyc_workers_busy ?? '—'} / ${g.ekyc_workers ?? '—'}`],
      ['ops.queue', String(g.ekyc_queue_depth ?? '—')],
      ['ops.rejected', Object.entries(cur.rejected).map(([k, v]) => `${k} ${v}`).join(', ') || '0'],
    ]));
    const names = Object.keys(cur.routes).filter((n) => n !== 'static').sort();
    const rows = names.map((n) => {
      const c = cur.routes[n];
      const d = rates[n];
      return [h('code', { text: n }), String(c.count), String(c.errors),
        d ? num(d.rate, 2) : '—',
        d && d.meanLatency !== null ? `${num(d.meanLatency * 1000, 0)} ms` : '—',
        c.count ? `${num((c.sum / c.count) * 1000, 0)} ms` : '—',
        quantile(c.buckets, 0.95) !== null ? `${num(quantile(c.buckets, 0.95) * 1000, 0)} ms` : '—'];
    });
    const tt = table(['ops.route', 'ops.requests', 'ops.errors', 'ops.rate', 'ops.latency_now', 'ops.latency_mean', 'ops.latency_p95'], rows);
    tt.classList.add('traffic');
    traffic.append(tt, h('p', { class: 'hint', i18n: interval ? 'ops.rate_hint' : 'ops.rate_first', args: { s: num(interval, 0) } }));
  }

  async function loadAudit(older) {
    const env = await call('audit_events', { limit: AUDIT_PAGE, before_id: older ? oldestAudit : null });
    const events = (env.output && env.output.events) || [];
    if (!older) clear(audit);
    let body = audit.querySelector('tbody');
    if (!body) {
      const tt = table(['ops.time', 'ops.actor', 'ops.operation', 'db.collection', 'ops.outcome', 'ops.items'], []);
      tt.classList.add('audit');
      audit.append(tt);
      body = tt.querySelector('tbody');
    }
    for (const e of events) {
      body.append(h('tr', { dataset: { id: String(e.id) } }, h('td', { text: formatTime(e.time) }), h('td', { text: e.actor }),
        h('td', {}, h('code', { text: e.operation })), h('td', { text: e.collection }),
        h('td', {}, e.outcome === 'ok' ? badge('ok', 'common.ok') : h('span', { class: 'badge badge-bad', text: e.outcome })),
        h('td', { text: String(e.items) })));
      oldestAudit = e.id;
    }
    if (!body.childNodes.length) {
      audit.querySelector('.table-wrap').hidden = true;
      audit.prepend(h('p', { i18n: 'ops.audit_empty' }));
    }
    olderBtn.hidden = events.length < AUDIT_PAGE;
  }

  refresh.addEventListener('click', () => run(refresh, area, load));
  olderBtn.addEventListener('click', () => run(olderBtn, area, () => loadAudit(true)));
  auto.addEventListener('change', () => {
    clearInterval(timer);
    timer = auto.checked ? setInterval(() => { if (!panel.hidden) load().catch((e) => { clear(area.status).append(errorBox(e)); }); }, AUTO_REFRESH_S * 1000) : null;
  });

  return {
    onShow() { run(refresh, area, load); },
    onSignOut() {
      clearInterval(timer);
      auto.checked = false;
      prevMetrics = null;
      for (const el of [ready, server, models, store, traffic, audit]) clear(el);
    },
  };
}

function table(headKeys, rows) {
  const tt = h('table', {},
    h('thead', {}, h('tr', {}, headKeys.map((k) => h('th', { scope: 'col', i18n: k })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
  return h('div', { class: 'table-wrap' }, tt);
}
