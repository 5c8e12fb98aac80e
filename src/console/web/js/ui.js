// Shared pieces of the pages: file pickers with drag and drop and phone capture, the busy state of
// an action, error and outcome messages, the confirmation dialog.
import { h, clear, uid } from './dom.js';
import { t } from './i18n.js';
import { ApiError } from './api.js';

// A file picker: a native <input type=file> (keyboard and screen-reader friendly), a drop zone
// around it, a phone-camera button (<input capture>: the browser opens the camera app; nothing
// else of the device is used) and a preview of what was picked.
// kind: 'image' or 'video'. facing: 'environment' (card) or 'user' (selfie).
export function filePicker({ labelKey, kind = 'image', facing = 'environment', multiple = false,
  name, required = false }) {
  const accept = kind === 'video' ? 'video/*' : 'image/*';
  const id = uid('file');
  const input = h('input', { type: 'file', id, accept, multiple, name, required,
    'aria-describedby': `${id}-hint` });
  const camera = h('input', { type: 'file', accept, capture: facing, class: 'visually-hidden',
    id: `${id}-camera` });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' });
  const zone = h('div', { class: 'drop' },
    input,
    h('p', { class: 'hint', id: `${id}-hint`, i18n: kind === 'video' ? 'picker.hint_video' : 'picker.hint' }),
    h('label', { class: 'camera-button', for: camera.id },
      h('span', { 'aria-hidden': 'true', text: kind === 'video' ? '🎥 ' : '📷 ' }),
      h('span', { i18n: kind === 'video' ? 'picker.record' : 'picker.camera' })),
    camera);
  const wrap = h('div', { class: 'picker' }, h('label', { for: id, class: 'picker-label', i18n: labelKey }),
    zone, preview);
  let files = [];
  const urls = [];

  function show() {
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    clear(preview);
    for (const f of files) {
      const url = URL.createObjectURL(f);
      urls.push(url);
      const media = f.type.startsWith('video/')
        ? h('video', { src: url, controls: true, muted: true, playsinline: true })
        : h('img', { src: url, alt: t('picker.preview_of', { name: f.name }) });
      preview.append(h('figure', {}, media, h('figcaption', { text: `${f.name} · ${sizeText(f.size)}` })));
    }
    if (files.length) {
      preview.append(h('button', { type: 'button', class: 'link', i18n: 'picker.remove', onclick: () => set([]) }));
    }
    wrap.dispatchEvent(new CustomEvent('filechange', { detail: files }));
  }
  function set(list) {
    files = multiple ? [...list] : [...list].slice(0, 1);
    if (!files.length) { input.value = ''; camera.value = ''; }
    show();
  }
  input.addEventListener('change', () => set(input.files));
  camera.addEventListener('change', () => set(camera.files));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const dropped = [...(e.dataTransfer ? e.dataTransfer.files : [])].filter((f) => f.type.startsWith(kind));
    if (dropped.length) set(dropped);
  });
  return { el: wrap, input, files: () => files, file: () => files[0] || null, set, urls: () => urls };
}

export function sizeText(bytes) {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

// A status line for an action (polite live region) and a place for its results.
export function actionArea() {
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const result = h('div', { class: 'result' });
  return { status, result };
}

// Runs an async action with its button disabled and the status region saying so; errors are
// shown in the status region (role=alert) and not thrown further.
export async function run(button, area, fn) {
  button.disabled = true;
  area.status.setAttribute('aria-busy', 'true');
  clear(area.status).append(h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { i18n: 'common.working' }));
  try {
    await fn();
    clear(area.status);
  } catch (err) {
    clear(area.status).append(errorBox(err));
  } finally {
    button.disabled = false;
    area.status.removeAttribute('aria-busy');
  }
}

// A request error as a clear sentence, with the server's own message and request id.
export function errorBox(err) {
  const box = h('div', { class: 'error', role: 'alert' });
  if (err instanceof ApiError) {
    const known = ['network', 'E400', 'E401', 'E403', 'E404', 'E413', 'E415', 'E422', 'E429', 'E500', 'E501', 'E503', 'E504'];
    const key = known.includes(err.code) ? `err.${err.code}` : 'err.other';
    box.append(h('strong', { i18n: key, args: { http: err.http, code: err.code, retry: err.retryAfter } }));
    if (err.message && err.code !== 'network') box.append(h('p', { class: 'server-message', text: err.message }));
    if (err.requestId) box.append(h('p', { class: 'meta', i18n: 'common.request_id', args: { id: err.requestId } }));
  } else {
    box.append(h('strong', { i18n: 'err.client' }), h('p', { text: String(err && err.message ? err.message : err) }));
  }
  return box;
}

// The vendor's business outcome of an HTTP 200 answer (code 0/1/2/4/E850/E855/E460), or null.
export function outcomeBox(env) {
  if (!env || env.code === undefined || env.code === null || env.code === '') return null;
  const known = ['0', '1', '2', '4', 'E850', 'E855', 'E460'];
  const key = known.includes(String(env.code)) ? `outcome.${env.code}` : 'outcome.other';
  return h('div', { class: 'outcome', role: 'alert' },
    h('strong', { i18n: key, args: { code: env.code } }),
    h('p', { class: 'meta', text: `code ${env.code}: ${env.error || ''}` }));
}

// Asks for confirmation in a modal <dialog>; resolves true when the operator confirms.
export function confirmDialog(titleKey, textKey, args) {
  const dlg = document.getElementById('confirm-dialog');
  document.getElementById('confirm-title').textContent = t(titleKey, args);
  document.getElementById('confirm-text').textContent = t(textKey, args);
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.returnValue = 'cancel';
    dlg.showModal();
    dlg.querySelector('button[value="cancel"]').focus();
  });
}

// A labelled section ("card") of a page.
export function card(titleKey, ...children) {
  const id = uid('card');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id, i18n: titleKey }), ...children);
}

// Confidence in [0,1] as a colour-coded chip with its value and a word (colour is never the only cue).
export const CONFIDENCE_HIGH = 0.85;  // at or above: shown green ("high")
export const CONFIDENCE_LOW = 0.6;    // below: shown red ("low"); in between amber ("check")
export function confidenceChip(c) {
  if (typeof c !== 'number') return h('span', { class: 'conf conf-none', text: '—' });
  const level = c >= CONFIDENCE_HIGH ? 'high' : c >= CONFIDENCE_LOW ? 'mid' : 'low';
  return h('span', { class: `conf conf-${level}`, dataset: { level } },
    h('span', { text: c.toFixed(2) }), ' ', h('span', { class: 'conf-word', i18n: `conf.${level}` }));
}
