// DOM helpers. Elements are built with textContent and setAttribute only, never from HTML
// strings, so values from the server or from uploaded files cannot inject markup or script.
import { t, formatNumber } from './i18n.js';

// h('p', {class: 'x', i18n: 'key', args: {n: 1}}, child, ...)
//   i18n: translation key for textContent (re-applied when the language changes)
//   i18nAttrs: {attribute: key} translated attributes (aria-label, placeholder, title)
//   on<event>: listener; text: literal text; other keys: attributes (true = boolean attribute).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  const p = props || {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'i18n') {
      el.dataset.i18n = v;
      if (p.args) el.dataset.i18nArgs = JSON.stringify(p.args);
      el.textContent = t(v, p.args);
    } else if (k === 'args') continue;
    else if (k === 'i18nAttrs') {
      el.dataset.i18nAttrs = JSON.stringify(v);
      for (const [attr, key] of Object.entries(v)) el.setAttribute(attr, t(key));
    } else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let nextId = 0;
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A labelled form control: <div class=field><label>..</label>control<p hint></div>.
export function field(labelKey, control, hintKey) {
  if (!control.id) control.id = uid('f');
  const wrap = h('div', { class: 'field' }, h('label', { for: control.id, i18n: labelKey }), control);
  if (hintKey) {
    const hint = h('p', { class: 'hint', id: uid('hint'), i18n: hintKey });
    control.setAttribute('aria-describedby', hint.id);
    wrap.append(hint);
  }
  return wrap;
}

// A number with fixed decimals in the current language, or an em dash.
export function num(v, digits = 2) {
  return typeof v === 'number' && Number.isFinite(v) ? formatNumber(v, digits) : '—';
}

// A definition list from [labelKey, value] pairs; values may be nodes.
export function facts(pairs) {
  const dl = h('dl', { class: 'facts' });
  for (const [key, value] of pairs) {
    dl.append(h('dt', { i18n: key }), h('dd', {}, value === undefined || value === '' ? '—' : value));
  }
  return dl;
}

// <details> holding the JSON as received, for integrators.
export function rawJson(value) {
  return h('details', { class: 'raw' }, h('summary', { i18n: 'common.raw' }),
    h('pre', { tabindex: '0' }, h('code', { text: JSON.stringify(value, null, 2) })));
}

// Yes/no badge with an icon and text (never colour alone).
export function badge(kind, key, args) {
  const icon = { ok: '✓', bad: '✗', warn: '!', info: 'i', none: '–' }[kind] || '';
  return h('span', { class: `badge badge-${kind}` }, h('span', { 'aria-hidden': 'true', text: icon }),
    ' ', h('span', { i18n: key, args }));
}
