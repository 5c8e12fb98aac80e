// Face database: register (add or, for a third-party collection, replace), look a user up with
// their faces and fingerprints (thumbnails decrypted by the server only when asked), verify 1:1,
// search 1:N by photo, delete a face, a fingerprint or a whole user after a confirmation.
import { h, clear, num, facts, rawJson, badge, uid, field } from './dom.js';
import { t, formatTime } from './i18n.js';
import { call } from './api.js';
import { filePicker, actionArea, run, outcomeBox, card, confirmDialog } from './ui.js';

const FINGERS = ['left_thumb', 'left_index', 'left_middle', 'left_ring', 'left_little',
  'right_thumb', 'right_index', 'right_middle', 'right_ring', 'right_little'];
const MAX_FACES = 11;  // image_face + image_face_1 .. image_face_10

export function mountDatabase(panel) {
  // ---- collection, shared by every action of the page ----
  const collection = h('input', { type: 'text', value: 'default', maxlength: '128', autocomplete: 'off', spellcheck: 'false', list: 'collections-list' });
  const datalist = h('datalist', { id: 'collections-list' });
  const collectionsInfo = h('p', { class: 'hint' });
  const coll = () => collection.value.trim() || 'default';
  panel.append(card('db.collection_title',
    h('p', { class: 'intro', i18n: 'db.intro' }),
    field('db.collection', collection, 'db.collection_hint'), datalist, collectionsInfo));

  // ---- look a user up ----
  const lookupId = h('input', { type: 'text', maxlength: '128', autocomplete: 'off', spellcheck: 'false', required: true });
  const lookupBtn = h('button', { type: 'submit', i18n: 'db.open' });
  const lookupArea = actionArea();
  let current = null;  // {user_id, collection, withImages}
  const lookupForm = h('form', { class: 'stack', novalidate: true },
    field('db.user_id', lookupId), h('div', { class: 'actions' }, lookupBtn), lookupArea.status);
  async function openUser(userId, withImages) {
    current = { user_id: userId, collection: coll(), withImages };
    lookupId.value = userId;
    const env = await call('get_all_face_of_user', { user_id: userId, collection: current.collection, include_images: withImages ? 'true' : 'false' });
    clear(lookupArea.result);
    renderUser(env);
  }
  lookupForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = lookupId.value.trim();
    if (!id) { clear(lookupArea.status).append(h('p', { class: 'error', role: 'alert', i18n: 'db.need_user' })); return; }
    run(lookupBtn, lookupArea, () => openUser(id, false));
  });

  function renderUser(env) {
    const root = lookupArea.result;
    const box = outcomeBox(env);
    if (box) { root.append(box); return; }
    const u = env.output || {};
    const sec = h('section', { class: 'user', 'aria-labelledby': 'user-title' },
      h('h3', { id: 'user-title', i18n: 'db.user_heading', args: { user: u.user_id, collection: u.collection } }));
    sec.append(facts([['db.created', formatTime(u.created_at)], ['db.updated', formatTime(u.updated_at)],
      ['db.face_count', String((u.faces || []).length)], ['db.fingerprint_count', String((u.fingerprints || []).length)]]));
    const thumbs = h('button', { type: 'button', class: 'secondary', i18n: current.withImages ? 'db.hide_images' : 'db.show_images' });
    const delUser = h('button', { type: 'button', class: 'danger', i18n: 'db.delete_user' });
    sec.append(h('div', { class: 'actions' }, thumbs, delUser));
    thumbs.addEventListener('click', () => run(thumbs, lookupArea, () => openUser(u.user_id, !current.withImages)));
    delUser.addEventListener('click', async () => {
      if (!(await confirmDialog('db.confirm_user_title', 'db.confirm_user_text', { user: u.user_id, collection: u.collection }))) return;
      await run(delUser, lookupArea, async () => {
        const r = await call('delete_user_face', { user_id: u.user_id, face_id: 'all', collection: u.collection });
        clear(lookupArea.result);
        lookupArea.result.append(outcomeBox(r) || h('p', { class: 'done', role: 'status', i18n: 'db.user_deleted', args: { user: u.user_id } }));
      });
    });

    const faces = h('ul', { class: 'face-list' });
    for (const f of u.faces || []) {
      const del = h('button', { type: 'button', class: 'danger small', i18n: 'db.delete_face' });
      const item = h('li', { class: 'face-item', dataset: { faceId: f.face_id } },
        f.image && f.image.base64
          ? h('img', { src: `data:${f.image.mime || 'image/jpeg'};base64,${f.image.base64}`, alt: t('db.face_alt', { id: f.face_id }), class: 'thumb' })
          : h('div', { class: 'thumb placeholder', 'aria-hidden': 'true', text: f.has_image ? '🔒' : '—' }),
        facts([['db.face_id', h('code', { text: f.face_id })], ['db.quality', num(f.quality, 3)],
          ['db.created', formatTime(f.created_at)], ['db.models', (f.models || []).join(', ')]]),
        del);
      del.addEventListener('click', async () => {
        if (!(await confirmDialog('db.confirm_face_title', 'db.confirm_face_text', { face: f.face_id, user: u.user_id }))) return;
        await run(del, lookupArea, async () => {
          const r = await call('delete_user_face', { user_id: u.user_id, face_id: f.face_id, collection: u.collection });
          const out = outcomeBox(r);
          if (out) { lookupArea.result.prepend(out); return; }
          await openUser(u.user_id, current.withImages);
          lookupArea.result.prepend(h('p', { class: 'done', role: 'status', i18n: 'db.face_deleted', args: { face: f.face_id } }));
        });
      });
      faces.append(item);
    }
    sec.append(h('h4', { i18n: 'db.faces' }), (u.faces || []).length ? faces : h('p', { i18n: 'db.no_faces' }));

    const prints = h('ul', { class: 'face-list' });
    for (const p of u.fingerprints || []) {
      const del = h('button', { type: 'button', class: 'danger small', i18n: 'db.delete_fingerprint' });
      prints.append(h('li', { class: 'face-item', dataset: { fingerprintId: p.fingerprint_id } },
        p.image && p.image.base64
          ? h('img', { src: `data:${p.image.mime || 'image/png'};base64,${p.image.base64}`, alt: t('db.print_alt', { finger: t(`finger.${p.finger_position}`) }), class: 'thumb' })
          : h('div', { class: 'thumb placeholder', 'aria-hidden': 'true', text: '🔒' }),
        facts([['db.fingerprint_id', h('code', { text: p.fingerprint_id })], ['db.finger', h('span', { i18n: `finger.${p.finger_position}` })],
          ['db.created', formatTime(p.created_at)]]), del));
      del.addEventListener('click', async () => {
        if (!(await confirmDialog('db.confirm_print_title', 'db.confirm_print_text', { finger: t(`finger.${p.finger_position}`), user: u.user_id }))) return;
        await run(del, lookupArea, async () => {
          const r = await call('delete_user_face', { user_id: u.user_id, fingerprint_id: p.fingerprint_id, collection: u.collection });
          const out = outcomeBox(r);
          if (out) { lookupArea.result.prepend(out); return; }
          await openUser(u.user_id, current.withImages);
        });
      });
    }
    sec.append(h('h4', { i18n: 'db.fingerprints' }), (u.fingerprints || []).length ? prints : h('p', { i18n: 'db.no_fingerprints' }));
    root.append(sec, rawJsonWithoutImages(env));
  }
  panel.append(card('db.lookup_title', lookupForm, lookupArea.result));

  // ---- register ----
  const regId = h('input', { type: 'text', maxlength: '128', autocomplete: 'off', spellcheck: 'false', required: true });
  const regFaces = filePicker({ labelKey: 'db.register_faces', facing: 'user', multiple: true });
  const fingerSel = h('select', {}, FINGERS.map((f) => h('option', { value: f, i18n: `finger.${f}` })));
  const fingerPick = filePicker({ labelKey: 'db.register_fingerprint', facing: 'environment' });
  const replace = h('input', { type: 'checkbox', id: uid('rep') });
  const regBtn = h('button', { type: 'submit', i18n: 'db.register' });
  const regArea = actionArea();
  const regForm = h('form', { class: 'stack', novalidate: true },
    field('db.user_id', regId),
    h('div', { class: 'pickers' }, regFaces.el, h('div', { class: 'stack' }, fingerPick.el, field('db.finger', fingerSel))),
    h('div', { class: 'check' }, replace, h('label', { for: replace.id, i18n: 'db.replace' })),
    h('p', { class: 'hint', i18n: 'db.replace_hint' }),
    h('div', { class: 'actions' }, regBtn), regArea.status, regArea.result);
  regForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = regId.value.trim();
    const faceFiles = regFaces.files().slice(0, MAX_FACES);
    if (!id || (!faceFiles.length && !fingerPick.file())) {
      clear(regArea.status).append(h('p', { class: 'error', role: 'alert', i18n: 'db.need_register' }));
      return;
    }
    run(regBtn, regArea, async () => {
      clear(regArea.result);
      const fields = { user_id: id, collection: coll() };
      faceFiles.forEach((f, i) => { fields[i === 0 ? 'image_face' : `image_face_${i}`] = f; });
      if (fingerPick.file()) fields[`finger_${fingerSel.value}`] = fingerPick.file();
      const env = await call(replace.checked ? 'register_user_face_third_party' : 'register_user_face', fields);
      const out = env.output || {};
      const box = outcomeBox(env);
      if (box) {
        regArea.result.append(box);
        if (out.duplicate) regArea.result.append(facts([['db.duplicate_user', out.duplicate.user_id], ['db.duplicate_similarity', num(out.duplicate.similarity, 4)]]));
      } else {
        regArea.result.append(h('p', { class: 'done', role: 'status', i18n: out.replaced ? 'db.replaced' : 'db.registered', args: { user: out.user_id, n: (out.face_ids || []).length } }),
          facts([['db.face_ids', h('code', { class: 'wrap', text: (out.face_ids || []).join(', ') || '—' })],
            ['db.fingerprint_ids', h('code', { class: 'wrap', text: (out.fingerprint_ids || []).join(', ') || '—' })],
            ['db.user_created', h('span', { i18n: out.user_created ? 'common.yes' : 'common.no' })]]));
        const open = h('button', { type: 'button', class: 'secondary', i18n: 'db.open_user' });
        open.addEventListener('click', () => run(lookupBtn, lookupArea, async () => { await openUser(out.user_id, false); lookupId.focus(); }));
        regArea.result.append(open);
      }
      regArea.result.append(rawJson(env));
    });
  });
  panel.append(card('db.register_title', regForm));

  // ---- verify 1:1 ----
  const verId = h('input', { type: 'text', maxlength: '128', autocomplete: 'off', spellcheck: 'false', required: true });
  const verPick = filePicker({ labelKey: 'db.probe', facing: 'user' });
  const verThr = h('input', { type: 'number', min: '0', max: '1', step: '0.01', value: '0.5', inputmode: 'decimal' });
  const verBtn = h('button', { type: 'submit', i18n: 'db.verify' });
  const verArea = actionArea();
  const verForm = h('form', { class: 'stack', novalidate: true },
    field('db.user_id', verId), h('div', { class: 'pickers' }, verPick.el), field('match.threshold', verThr),
    h('div', { class: 'actions' }, verBtn), verArea.status, verArea.result);
  verForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!verId.value.trim() || !verPick.file()) { clear(verArea.status).append(h('p', { class: 'error', role: 'alert', i18n: 'db.need_verify' })); return; }
    run(verBtn, verArea, async () => {
      clear(verArea.result);
      const env = await call('verify_user_face', { user_id: verId.value.trim(), image_general: verPick.file(), threshold: verThr.value, collection: coll() });
      const box = outcomeBox(env);
      if (box) verArea.result.append(box);
      const out = env.output;
      if (out && out.is_matched) {
        const ok = out.is_matched.value === 'True';
        verArea.result.append(h('p', { class: `verdict ${ok ? 'verdict-ok' : 'verdict-bad'}` }, h('span', { 'aria-hidden': 'true', text: ok ? '✓ ' : '✗ ' }), h('span', { i18n: ok ? 'match.matched' : 'match.not_matched' })),
          facts([['match.similarity', num(out.is_matched.similarity, 4)], ['match.threshold', num(Number(verThr.value), 2)], ['db.best_face', h('code', { text: out.is_matched.face_id || '—' })]]));
        if (Array.isArray(out.faces) && out.faces.length) {
          verArea.result.append(simpleTable(['db.face_id', 'match.similarity'], out.faces.map((f) => [h('code', { text: f.face_id }), num(f.similarity, 4)])));
        }
      }
      verArea.result.append(rawJson(env));
    });
  });
  const verifyCard = card('db.verify_title', verForm);

  // ---- search 1:N ----
  const seaPick = filePicker({ labelKey: 'db.probe', facing: 'user' });
  const seaTop = h('input', { type: 'number', min: '1', max: '100', step: '1', value: '5', inputmode: 'numeric' });
  const seaThr = h('input', { type: 'number', min: '0', max: '1', step: '0.01', value: '0.5', inputmode: 'decimal' });
  const seaBtn = h('button', { type: 'submit', i18n: 'db.search' });
  const seaArea = actionArea();
  const seaForm = h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'pickers' }, seaPick.el),
    h('div', { class: 'row' }, field('db.top_k', seaTop), field('match.threshold', seaThr)),
    h('div', { class: 'actions' }, seaBtn), seaArea.status, seaArea.result);
  seaForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!seaPick.file()) { clear(seaArea.status).append(h('p', { class: 'error', role: 'alert', i18n: 'db.need_probe' })); return; }
    run(seaBtn, seaArea, async () => {
      clear(seaArea.result);
      const env = await call('search_face', { image_general: seaPick.file(), top_k: seaTop.value, threshold: seaThr.value, collection: coll() });
      const out = env.output || {};
      const matches = out.matches || [];
      if (!matches.length) {
        seaArea.result.append(h('p', { class: 'outcome', role: 'status', i18n: 'db.no_match', args: { thr: num(Number(seaThr.value), 2) } }));
      } else {
        const rows = matches.map((m, i) => {
          const open = h('button', { type: 'button', class: 'link', text: m.user_id, 'aria-label': t('db.open_named', { user: m.user_id }) });
          open.addEventListener('click', () => run(lookupBtn, lookupArea, async () => { await openUser(m.user_id, false); lookupId.focus(); }));
          const bar = h('span', { class: 'minibar', 'aria-hidden': 'true' }, h('span', {}));
          bar.firstChild.style.width = `${Math.max(0, Math.min(1, m.similarity)) * 100}%`;
          return [String(i + 1), open, h('code', { text: m.face_id }), h('span', {}, num(m.similarity, 4), ' ', bar)];
        });
        const table = simpleTable(['db.rank', 'db.user_id', 'db.face_id', 'match.similarity'], rows);
        table.classList.add('search-results');
        seaArea.result.append(table);
      }
      seaArea.result.append(rawJson(env));
    });
  });
  panel.append(h('div', { class: 'grid' }, verifyCard, card('db.search_title', seaForm)));

  return {
    onSignIn(info) { setCollections(info); },
    onShow() {
      // Collections may have been created since sign-in.
      call('server_info').then((env) => setCollections(env.output)).catch(() => {});
    },
    onSignOut() {
      current = null;
      for (const a of [lookupArea, regArea, verArea, seaArea]) { clear(a.result); clear(a.status); }
      for (const p of [regFaces, fingerPick, verPick, seaPick]) p.set([]);
    },
  };

  function setCollections(info) {
    clear(datalist);
    clear(collectionsInfo);
    const list = info && info.store && Array.isArray(info.store.collections) ? info.store.collections : [];
    for (const c of list) datalist.append(h('option', { value: c.name }));
    if (list.length) {
      collectionsInfo.append(h('span', { i18n: 'db.collections_known' }), ' ',
        list.map((c, i) => [i ? ', ' : '', h('code', { text: c.name }), ` (${c.faces})`]));
    }
  }
}

function simpleTable(headKeys, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headKeys.map((k) => h('th', { scope: 'col', i18n: k })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

// The raw answer without the (large) base64 images.
function rawJsonWithoutImages(env) {
  const copy = JSON.parse(JSON.stringify(env));
  for (const list of [copy.output && copy.output.faces, copy.output && copy.output.fingerprints]) {
    for (const f of list || []) if (f.image && f.image.base64) f.image.base64 = `(${f.image.base64.length} base64 characters)`;
  }
  return rawJson(copy);
}

