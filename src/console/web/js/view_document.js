// "Read a document": front and/or back → /call/predict → per side: the card rectified from the
// corners the server found, every field with value, confidence, normalized form and validation,
// QR / MRZ cross-checks, card liveness.
import { h, clear, num, facts, rawJson, badge, uid } from './dom.js';
import { t } from './i18n.js';
import { call } from './api.js';
import { filePicker, actionArea, run, outcomeBox, card, confidenceChip } from './ui.js';
import { rectifiedCard } from './rectify.js';
import { qrRows, mrzRows } from './crosscheck.js';
import { fieldLabel, isFieldKnown } from './fields.js';

export function mountDocument(panel) {
  const front = filePicker({ labelKey: 'doc.front', facing: 'environment' });
  const back = filePicker({ labelKey: 'doc.back', facing: 'environment' });
  const rotate = h('input', { type: 'checkbox', id: uid('rot'), checked: true });
  const submit = h('button', { type: 'submit', i18n: 'doc.read' });
  const area = actionArea();
  const form = h('form', { class: 'stack', novalidate: true },
    h('p', { class: 'intro', i18n: 'doc.intro' }),
    h('div', { class: 'pickers' }, front.el, back.el),
    h('div', { class: 'check' }, rotate, h('label', { for: rotate.id, i18n: 'doc.check_rotate' })),
    h('div', { class: 'actions' }, submit),
    area.status);
  panel.append(card('doc.title', form), area.result);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const files = [front.file(), back.file()];
    if (!files[0] && !files[1]) {
      clear(area.status).append(h('p', { class: 'error', role: 'alert', i18n: 'doc.need_image' }));
      return;
    }
    run(submit, area, async () => {
      clear(area.result);
      const env = await call('predict', {
        image_card1: files[0] || files[1],
        image_card2: files[0] ? files[1] : null,
        check_rotate: rotate.checked,
      });
      const uploads = files.filter(Boolean);
      await renderResult(area.result, env, uploads);
    });
  });
  return { onSignOut: () => { clear(area.result); clear(area.status); front.set([]); back.set([]); } };
}

async function renderResult(root, env, uploads) {
  const sides = Array.isArray(env.output) ? env.output : [];
  const box = outcomeBox(env);
  if (box) root.append(box);
  // Fields of all sides, for cross-checks across sides (a QR on the front, issue date on the back).
  const all = {};
  for (const s of sides) for (const [k, v] of Object.entries(s || {})) if (v && typeof v === 'object' && 'value' in v && 'confidence' in v && !all[k]) all[k] = v;
  const wrap = h('div', { class: 'sides' });
  root.append(wrap);
  for (let i = 0; i < sides.length; i += 1) {
    wrap.append(await sideView(sides[i] || {}, uploads[i], i, all));
  }
  root.append(h('p', { class: 'meta', i18n: 'common.request_meta', args: { id: env.request_id, time: num(env.time, 2) } }),
    rawJson(env));
}

async function sideView(side, file, index, allFields) {
  const cls = side.class_name || {};
  const info = side.card || {};
  const title = h('h2', { text: cls.value || t('doc.side_n', { n: index + 1 }) });
  const art = h('section', { class: 'card side', 'aria-label': t('doc.side_n', { n: index + 1 }) }, title);
  art.append(facts([
    ['doc.type', [info.type || '—', ' · ', info.side ? h('span', { i18n: `doc.side.${info.side}` }) : '—']],
    ['doc.class_conf', confidenceChip(cls.confidence)],
    ['doc.rotation', `${info.rotation ?? 0}°`],
  ]));
  art.append(await cardImage(file, info));

  // Fields: every member shaped like {value, confidence}, in the card's reading order.
  const names = Object.keys(side).filter((k) => side[k] && typeof side[k] === 'object' && 'value' in side[k] && 'confidence' in side[k] && k !== 'class_name')
    .sort((a, b) => orderOf(a) - orderOf(b) || a.localeCompare(b));
  const table = h('table', { class: 'fields' },
    h('caption', { i18n: 'doc.fields' }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', i18n: 'doc.col.field' }),
      h('th', { scope: 'col', i18n: 'doc.col.value' }),
      h('th', { scope: 'col', i18n: 'doc.col.confidence' }),
      h('th', { scope: 'col', i18n: 'doc.col.normalized' }),
      h('th', { scope: 'col', i18n: 'doc.col.validation' }))));
  const body = h('tbody');
  for (const name of names) {
    const f = side[name];
    // data-label: the column name, shown before each cell when the table is stacked on a phone.
    const cell = (labelKey, content, props = {}) => {
      const empty = content === '—' || (content instanceof Node && content.textContent === '—');
      return h('td', { ...props, class: empty ? 'empty' : props.class, i18nAttrs: { 'data-label': labelKey } }, content);
    };
    body.append(h('tr', { dataset: { field: name } },
      h('th', { scope: 'row' }, isFieldKnown(name) ? h('span', { i18n: `field.${name}` }) : fieldLabel(name),
        h('code', { class: 'field-name', text: name })),
      cell('doc.col.value', [h('span', { class: 'value', text: f.value }),
        f.value_unidecode && f.value_unidecode !== f.value ? h('span', { class: 'unidecode', text: f.value_unidecode }) : null], { lang: 'vi' }),
      cell('doc.col.confidence', confidenceChip(f.confidence)),
      cell('doc.col.normalized', normalizedView(f.normalized)),
      cell('doc.col.validation', validationView(f))));
  }
  table.append(body);
  art.append(h('div', { class: 'table-wrap' }, table));

  if (side.qr) art.append(crossTable('doc.qr', side.qr, qrRows(side.qr, allFields), [
    ['doc.qr_raw', h('span', { class: 'wrap qr-raw', lang: 'vi', text: side.qr.raw || '' })],
  ]));
  if (side.mrz) {
    const m = side.mrz;
    art.append(crossTable('doc.mrz', m, mrzRows(m, allFields), [
      ['doc.mrz_format', m.format || '—'],
      ['doc.mrz_checks', m.checks_ok ? badge('ok', 'doc.mrz_checks_ok') : badge('bad', 'doc.mrz_checks_failed', { list: (m.failed_checks || []).join(', ') })],
      ['doc.mrz_repaired', String(m.repaired_chars ?? 0)],
      ['doc.mrz_lines', h('pre', { class: 'mrz', text: (m.lines || []).join('\n') })],
    ]));
  }
  art.append(livenessView(side.liveness));
  return art;
}

async function cardImage(file, info) {
  const fig = h('figure', { class: 'card-image' });
  if (file && info.located && Array.isArray(info.corners) && info.corners.length === 4) {
    try {
      const canvas = await rectifiedCard(file, info.corners, info.type);
      if (canvas) {
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', t('doc.rectified_alt'));
        fig.append(canvas, h('figcaption', { i18n: 'doc.rectified' }));
        return fig;
      }
    } catch { /* fall back to the upload */ }
  }
  if (file) {
    fig.append(h('img', { src: URL.createObjectURL(file), alt: t('doc.upload_alt') }),
      h('figcaption', { i18n: info.located === false ? 'doc.not_located' : 'doc.uploaded' }));
  }
  return fig;
}

// Reading order of the fields on Vietnamese cards and passports; others follow by name.
const FIELD_ORDER = ['id', 'so_dinh_danh', 'ho_ten', 'ho', 'chu_dem_va_ten', 'ngay_sinh', 'gioi_tinh',
  'quoc_tich', 'dan_toc', 'ton_giao', 'nguyen_quan', 'noi_sinh', 'noi_dang_ky_khai_sinh',
  'ho_khau_thuong_tru', 'ngay_het_han', 'di_hinh', 'ngay_cap', 'noi_cap'];
function orderOf(name) {
  const i = FIELD_ORDER.indexOf(name);
  return i < 0 ? FIELD_ORDER.length : i;
}

// The normalized form (src/vn): its value in words, the codes that matter for each kind
// (date parts, administrative-unit codes before and after the 2025 reform, country codes), and
// the whole object on request.
function normalizedView(n) {
  if (n === undefined || n === null) return '—';
  if (typeof n !== 'object') return String(n);
  const out = h('div', { class: 'normalized' });
  const code = (x) => (x && typeof x === 'object' && 'code' in x ? x.code : null);
  if ('value' in n) out.append(h('div', { lang: 'vi', class: 'norm-value', text: String(n.value) }));
  if ('day' in n && 'month' in n && 'year' in n) {
    const [d, m, y] = [n.day.value, n.month.value, n.year.value];
    out.append(h('div', { class: 'reason', text: d > 0 && m > 0 && y > 0 ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : null, i18n: d > 0 && m > 0 && y > 0 ? undefined : 'doc.no_date' }));
  } else if ('tinh' in n) {
    const codes = [['doc.unit.tinh', code(n.tinh)], ['doc.unit.huyen', code(n.huyen)], ['doc.unit.xa', code(n.xa)]]
      .filter(([, c]) => c !== null);
    if (codes.length) {
      out.append(h('div', { class: 'reason' }, codes.map(([k, c], i) => [i ? ' · ' : '', h('span', { i18n: k }), ` ${c}`])));
    }
    if (n.value_moi) out.append(h('div', { class: 'reason', lang: 'vi' }, h('span', { i18n: 'doc.after_2025' }), ` ${n.value_moi}`));
    if (typeof n.score === 'number') out.append(h('div', { class: 'reason', i18n: 'doc.match_score', args: { score: n.score.toFixed(2) } }));
  } else {
    const rest = Object.entries(n).filter(([k, v]) => k !== 'value' && !k.endsWith('_unidecode') && (typeof v !== 'object' || v === null));
    if (rest.length) out.append(h('div', { class: 'reason', text: rest.map(([k, v]) => `${k} ${v}`).join(' · ') }));
  }
  if (Object.values(n).some((v) => v && typeof v === 'object')) {
    out.append(h('details', { class: 'norm-detail' }, h('summary', { i18n: 'doc.details' }),
      h('pre', { text: JSON.stringify(n, null, 1) })));
  }
  return out;
}

// `validate` (ID rules: id_check REAL/FAKE, id_logic 0 = consistent with the birth date, sex and
// province code) and `is_valid` (expiry) as badges with their reasons.
function validationView(f) {
  const out = h('div', { class: 'validation' });
  if (typeof f.is_valid === 'boolean') {
    out.append(f.is_valid ? badge('ok', 'doc.valid') : badge('bad', 'doc.invalid'));
    if (f.is_valid_reason) out.append(h('p', { class: 'reason', text: f.is_valid_reason }));
  }
  const v = f.validate;
  if (v && typeof v === 'object' && 'id_check' in v) {
    const ok = v.id_check === 'REAL' && (v.id_logic === undefined || Number(v.id_logic) === 0);
    out.append(ok ? badge('ok', 'doc.id_ok') : badge('bad', 'doc.id_bad'));
    out.append(h('div', { class: 'reason', text: `id_check ${v.id_check}${v.id_logic_message ? ` · ${v.id_logic_message}` : ''}` }));
  } else if (v && typeof v === 'object') {
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'boolean') out.append(h('div', {}, val ? badge('ok', 'doc.check_ok', { name: k }) : badge('bad', 'doc.check_failed', { name: k })));
      else if (Array.isArray(val)) { if (val.length) out.append(h('div', { class: 'reason', text: `${k}: ${val.map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)).join(', ')}` })); }
      else if (val !== null && val !== '') out.append(h('div', { class: 'reason', text: `${k}: ${typeof val === 'object' ? JSON.stringify(val) : val}` }));
    }
  }
  if (!out.childNodes.length) out.append('—');
  return out;
}

function crossTable(titleKey, data, rows, extra) {
  const sec = h('section', { class: 'crosscheck' }, h('h3', { i18n: titleKey }), facts(extra));
  const table = h('table', {},
    h('caption', { i18n: 'doc.cross_caption' }),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', i18n: 'doc.col.field' }),
      h('th', { scope: 'col', i18n: titleKey }),
      h('th', { scope: 'col', i18n: 'doc.col.printed' }),
      h('th', { scope: 'col', i18n: 'doc.col.check' }))));
  const body = h('tbody');
  for (const r of rows) {
    const b = r.verdict === 'agree' ? badge('ok', 'doc.agree') : r.verdict === 'differ' ? badge('bad', 'doc.differ') : badge('none', 'doc.not_compared');
    body.append(h('tr', { dataset: { field: r.field, verdict: r.verdict } },
      h('th', { scope: 'row' }, isFieldKnown(r.field) ? h('span', { i18n: `field.${r.field}` }) : r.field),
      h('td', { lang: 'vi', text: r.source || '—' }), h('td', { lang: 'vi', text: r.printed || '—' }), h('td', {}, b)));
  }
  table.append(body);
  sec.append(h('div', { class: 'table-wrap' }, table));
  return sec;
}

// Card liveness (genuine card vs. a photo of a screen or a print): shown as the server gives it.
function livenessView(l) {
  const sec = h('section', { class: 'liveness' }, h('h3', { i18n: 'doc.card_liveness' }));
  if (l === undefined || l === null) {
    sec.append(h('p', { i18n: 'doc.liveness_absent' }));
    return sec;
  }
  const value = typeof l === 'object' ? l.liveness : l;
  const checked = typeof l === 'object' && 'checked' in l ? l.checked : value !== 'N/A';
  if (!checked || value === 'N/A') sec.append(badge('none', 'doc.liveness_not_checked'));
  else if (value === 'True' || value === true) sec.append(badge('ok', 'doc.liveness_true'));
  else sec.append(badge('bad', 'doc.liveness_false'));
  if (typeof l === 'object') {
    const reasons = l.reasons || l.reason || (l.detail && l.detail.reasons);
    if (Array.isArray(reasons) && reasons.length) sec.append(h('ul', {}, reasons.map((r) => h('li', { text: typeof r === 'object' ? JSON.stringify(r) : r }))));
    else if (typeof reasons === 'string') sec.append(h('p', { text: reasons }));
    if (typeof l.score === 'number') sec.append(h('p', { i18n: 'common.score', args: { score: num(l.score, 3) } }));
  }
  return sec;
}
