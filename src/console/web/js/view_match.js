// "Match a face": card (or any photo with a face) + selfie photo → check_match_image_card_image_general;
// card front + back + selfie video → register_ekyc_front_back_face_video (the only route taking a
// video: it enforces video liveness and registers the face when it matches, so it needs a user id).
import { h, clear, num, facts, rawJson, badge, uid, field } from './dom.js';
import { t } from './i18n.js';
import { call } from './api.js';
import { filePicker, actionArea, run, outcomeBox, card } from './ui.js';
import { imageWithBox, crop } from './rectify.js';

export function mountMatch(panel) {
  const cardPick = filePicker({ labelKey: 'match.card', facing: 'environment' });
  const selfie = filePicker({ labelKey: 'match.selfie', facing: 'user' });
  const video = filePicker({ labelKey: 'match.video', kind: 'video', facing: 'user' });
  const back = filePicker({ labelKey: 'match.back', facing: 'environment' });
  const threshold = h('input', { type: 'number', min: '0', max: '1', step: '0.01', value: '0.5', inputmode: 'decimal' });
  const userId = h('input', { type: 'text', maxlength: '128', autocomplete: 'off', spellcheck: 'false' });
  const challenge = h('input', { type: 'text', maxlength: '40', autocomplete: 'off', placeholder: 'left,blink,right' });
  const modeName = uid('mode');
  const photoMode = h('input', { type: 'radio', name: modeName, value: 'photo', id: uid('m'), checked: true });
  const videoMode = h('input', { type: 'radio', name: modeName, value: 'video', id: uid('m') });
  const videoPart = h('div', { class: 'stack', hidden: true },
    h('p', { class: 'note', i18n: 'match.video_note' }),
    h('div', { class: 'pickers' }, back.el, video.el),
    field('match.user_id', userId, 'match.user_id_hint'),
    field('match.challenge', challenge, 'match.challenge_hint'));
  const photoPart = h('div', { class: 'pickers' }, selfie.el);
  const submit = h('button', { type: 'submit', i18n: 'match.run' });
  const area = actionArea();
  const form = h('form', { class: 'stack', novalidate: true },
    h('p', { class: 'intro', i18n: 'match.intro' }),
    h('fieldset', { class: 'inline' }, h('legend', { i18n: 'match.mode' }),
      h('span', {}, photoMode, h('label', { for: photoMode.id, i18n: 'match.mode_photo' })),
      h('span', {}, videoMode, h('label', { for: videoMode.id, i18n: 'match.mode_video' }))),
    h('div', { class: 'pickers' }, cardPick.el),
    photoPart, videoPart,
    field('match.threshold', threshold, 'match.threshold_hint'),
    h('div', { class: 'actions' }, submit),
    area.status);
  panel.append(card('match.title', form), area.result);
  const sync = () => { photoPart.hidden = !photoMode.checked; videoPart.hidden = photoMode.checked; };
  photoMode.addEventListener('change', sync);
  videoMode.addEventListener('change', sync);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const isVideo = videoMode.checked;
    const need = isVideo ? [cardPick.file(), back.file(), video.file(), userId.value.trim()] : [cardPick.file(), selfie.file()];
    if (need.some((x) => !x)) {
      clear(area.status).append(h('p', { class: 'error', role: 'alert', i18n: isVideo ? 'match.need_video' : 'match.need_photo' }));
      return;
    }
    run(submit, area, async () => {
      clear(area.result);
      if (isVideo) {
        const env = await call('register_ekyc_front_back_face_video', {
          image_card1: cardPick.file(), image_card2: back.file(), video_general: video.file(),
          user_id: userId.value.trim(), challenge: challenge.value.trim(), threshold: threshold.value,
        });
        const block = Array.isArray(env.output) ? env.output[2] : null;
        await renderMatch(area.result, env, block, cardPick.file(), null, threshold.value);
      } else {
        const env = await call('check_match_image_card_image_general', {
          image_card1: cardPick.file(), image_general: selfie.file(), threshold: threshold.value,
        });
        await renderMatch(area.result, env, env.output, cardPick.file(), selfie.file(), threshold.value);
      }
    });
  });
  return { onSignOut: () => { clear(area.result); clear(area.status); for (const p of [cardPick, selfie, video, back]) p.set([]); } };
}

async function renderMatch(root, env, block, cardFile, selfieFile, thresholdText) {
  const box = outcomeBox(env);
  if (box) root.append(box);
  if (!block) {
    root.append(rawJson(env));
    return;
  }
  const m = block.is_matched || {};
  const detail = block.liveness_detail || {};
  const threshold = Number(thresholdText);
  const sec = h('section', { class: 'card match-result', 'aria-labelledby': 'match-result-title' },
    h('h2', { id: 'match-result-title', i18n: 'match.result' }));

  // The two faces side by side: the card as uploaded, the selfie with the face the server found.
  const faces = h('div', { class: 'faces' });
  if (cardFile) {
    faces.append(h('figure', {}, h('img', { src: URL.createObjectURL(cardFile), alt: t('match.card_alt') }),
      h('figcaption', { i18n: block.card && block.card.face_source === 'photo' ? 'match.card_photo' : 'match.card_caption' })));
  }
  const faceBox = detail.face_box || null;  // the photo check's face; a video has no selfie image
  if (selfieFile) {
    const c = (await crop(selfieFile, faceBox)) || (await imageWithBox(selfieFile, null));
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', t('match.selfie_alt'));
    faces.append(h('figure', {}, c, h('figcaption', { i18n: faceBox ? 'match.selfie_face' : 'match.selfie_caption' })));
  }
  sec.append(faces);

  const matched = m.value === 'True';
  const sim = typeof m.similarity === 'number' ? m.similarity : null;
  sec.append(h('p', { class: `verdict ${matched ? 'verdict-ok' : 'verdict-bad'}`, dataset: { matched: String(matched) } },
    h('span', { 'aria-hidden': 'true', text: matched ? '✓ ' : '✗ ' }),
    h('span', { i18n: matched ? 'match.matched' : 'match.not_matched' })));
  // Similarity against the threshold: a bar with the threshold marked, and the numbers in words.
  const meter = h('div', { class: 'simbar', role: 'img', 'aria-label': t('match.sim_aria', { sim: num(sim, 4), thr: num(threshold, 2) }) },
    h('div', { class: 'simbar-fill', style: null }), h('div', { class: 'simbar-threshold' }));
  meter.firstChild.style.width = `${Math.max(0, Math.min(1, sim || 0)) * 100}%`;
  meter.lastChild.style.left = `${Math.max(0, Math.min(1, threshold)) * 100}%`;
  sec.append(meter);
  sec.append(facts([
    ['match.similarity', h('span', { class: 'similarity', text: num(sim, 4) })],
    ['match.threshold', num(threshold, 2)],
    ['match.confidence', num(m.confidence, 4)],
    ['match.card_source', block.card ? (block.card.face_source === 'card' ? (block.card.class_name ? block.card.class_name.value : h('span', { i18n: 'match.card_read' })) : h('span', { i18n: 'match.card_photo' })) : '—'],
  ]));
  if (block.card && block.card.note) sec.append(h('p', { class: 'note', text: block.card.note }));
  if (block.error && block.error.value) sec.append(h('p', { class: 'note', text: `${block.error.value} (code ${block.error.code})` }));

  sec.append(livenessView(m, detail));
  if (block.registration) sec.append(registrationView(block.registration));
  root.append(sec, h('p', { class: 'meta', i18n: 'common.request_meta', args: { id: env.request_id, time: num(env.time, 2) } }), rawJson(env));
}

function livenessView(m, d) {
  const sec = h('section', { class: 'liveness' }, h('h3', { i18n: 'match.liveness' }));
  const value = m.liveness;
  const mode = d.mode || m.liveness_mode;
  if (value === 'True') sec.append(badge('ok', 'match.live'));
  else if (value === 'False') sec.append(badge('bad', 'match.not_live'));
  else sec.append(badge('none', 'match.live_unknown'));
  sec.append(facts([
    ['match.live_mode', mode ? h('span', { i18n: `live.mode_${mode}` }) : '—'],
    ['match.live_score', typeof d.score === 'number' ? `${num(d.score, 3)} / ${num(d.threshold, 3)}` : '—'],
  ]));
  if (mode === 'passive') sec.append(h('p', { class: 'note', i18n: 'match.passive_note' }));
  const reasons = Array.isArray(d.reasons) ? d.reasons : [];
  sec.append(h('h4', { i18n: 'match.reasons' }));
  sec.append(reasons.length ? h('ul', { class: 'reasons' }, reasons.map((r) => h('li', { text: typeof r === 'object' ? JSON.stringify(r) : r })))
    : h('p', { i18n: 'match.no_reasons' }));
  if (d.challenge) {
    sec.append(facts([
      ['match.challenge_requested', (d.challenge.requested || []).join(', ')],
      ['match.challenge_observed', (d.challenge.observed || []).join(', ')],
      ['match.challenge_passed', d.challenge.passed ? badge('ok', 'common.yes') : badge('bad', 'common.no')],
    ]));
  }
  if (d.message) sec.append(h('p', { class: 'note', text: d.message }));
  return sec;
}

function registrationView(r) {
  const sec = h('section', {}, h('h3', { i18n: 'match.registration' }));
  if (r.registered) {
    sec.append(badge('ok', 'match.registered', { user: r.user_id }),
      facts([['db.face_ids', (r.face_ids || []).join(', ')], ['db.user_created', h('span', { i18n: r.user_created ? 'common.yes' : 'common.no' })]]));
  } else {
    sec.append(badge('bad', 'match.not_registered'));
    if (r.duplicate_user_id) sec.append(facts([['db.duplicate_user', r.duplicate_user_id], ['db.duplicate_similarity', num(r.duplicate_similarity, 4)]]));
  }
  return sec;
}
