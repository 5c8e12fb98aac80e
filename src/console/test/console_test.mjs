// Drives the console in Debian's chromium with playwright-core; run by browser_test.py, which
// starts the server and passes the settings in EKYC_CONSOLE_TEST. Every step checks what the
// page shows, mostly against the API answer the page itself received (intercepted), and saves a
// screenshot. Exit 1 when any step fails.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const cfg = JSON.parse(process.env.EKYC_CONSOLE_TEST);
const require = createRequire(path.join(cfg.nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const TIMEOUT = 180_000;  // per wait: a shared 2-core machine can be very slow
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

let failures = 0;
let shot = 0;
const pageProblems = [];

function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(a, b, what) { if (a !== b) throw new Error(`${what}: expected ${JSON.stringify(b)}, page shows ${JSON.stringify(a)}`); }

async function screenshot(page, name, fullPage = true) {
  shot += 1;
  const file = path.join(cfg.out, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

async function step(name, page, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`PASS ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    if (page) await screenshot(page, `FAILED-${name.replace(/\W+/g, '_')}`).catch(() => {});
  }
}

// Script errors and CSP violations ("Refused to ...") fail the run. Chromium also logs every
// HTTP error answer as a console error; those are checked from the responses instead: only the
// 401s of the wrong-key and revoked-key steps are expected.
function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageProblems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !(r.status() === 401 && r.url().includes('/call/'))) pageProblems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
}

async function openConsole(context) {
  const page = await context.newPage();
  watch(page);
  await page.goto(`${cfg.url}/console/`);
  await page.locator('#login-form').waitFor();
  return page;
}

async function signIn(page, key) {
  await page.fill('#api-key', key);
  await page.press('#api-key', 'Enter');
  await page.locator('#app').waitFor({ state: 'visible', timeout: TIMEOUT });
}

// The JSON answer of the page's next call to /call/<route>, while `action` runs.
async function answerOf(page, route, action) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/call/${route}`) && r.request().method() === 'POST', { timeout: TIMEOUT }),
    action(),
  ]);
  return { status: res.status(), body: await res.json() };
}

// The number as the page prints it in Vietnamese or English ("0,8123" / "0.8123").
const parseShown = (s) => Number(String(s).trim().replace(',', '.'));

async function storageHoldsKey(page, key) {
  return page.evaluate(async (k) => {
    const found = [];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i += 1) {
        const name = store.key(i);
        if (name.includes(k) || (store.getItem(name) || '').includes(k)) found.push(`web storage ${name}`);
      }
    }
    if (document.cookie.includes(k)) found.push('cookie');
    if (indexedDB.databases && (await indexedDB.databases()).length) found.push('IndexedDB databases exist');
    if ('caches' in self && (await caches.keys()).length) found.push('Cache Storage entries exist');
    if (location.href.includes(k)) found.push('URL');
    if (document.documentElement.outerHTML.includes(k)) found.push('DOM');
    for (const input of document.querySelectorAll('input')) if (input.value.includes(k)) found.push(`input ${input.id}`);
    return found;
  }, key);
}

async function core(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  const page = await openConsole(context);

  await step('security headers, no key needed for the page, none accepted for /call/', page, async () => {
    const api = context.request;
    const res = await api.get(`${cfg.url}/console/`);
    eq(res.status(), 200, 'GET /console/');
    const hd = res.headers();
    const csp = hd['content-security-policy'] || '';
    for (const part of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
      assert(csp.includes(part), `CSP lacks ${part}: ${csp}`);
    }
    assert(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `CSP allows inline/eval: ${csp}`);
    eq(hd['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
    eq(hd['x-frame-options'], 'DENY', 'X-Frame-Options');
    const js = await api.get(`${cfg.url}/console/js/main.js`);
    assert(js.headers()['content-type'].startsWith('text/javascript'), 'main.js content type');
    const bare = await api.get(`${cfg.url}/console`, { maxRedirects: 0 });
    eq(bare.status(), 308, 'GET /console');
    const noKey = await api.post(`${cfg.url}/call/server_info`, { multipart: { x: '1' } });
    eq(noKey.status(), 401, '/call/server_info without a key');
    const wrong = await api.post(`${cfg.url}/call/server_info`, { headers: { 'x-api-key': `ek_${'0'.repeat(64)}` }, multipart: { x: '1' } });
    eq(wrong.status(), 401, '/call/server_info with a wrong key');
    const audit = await api.post(`${cfg.url}/call/audit_events`, { multipart: { limit: '5' } });
    eq(audit.status(), 401, '/call/audit_events without a key');
  });

  await step('a wrong key shows a clear message', page, async () => {
    await page.getByLabel('Khóa API', { exact: true }).fill(`ek_${'1'.repeat(64)}`);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = page.locator('#login-error');
    await alert.waitFor({ state: 'visible', timeout: TIMEOUT });
    const text = await alert.innerText();
    assert(text.includes('Khóa API không đúng'), `login error says: ${text}`);
    assert(await page.locator('#app').isHidden(), 'the app is shown after a wrong key');
    await screenshot(page, 'wrong-key', false);
    await page.click('[data-lang="en"]');
    const en = await alert.innerText();
    assert(en.includes('Wrong API key'), `English login error says: ${en}`);
    await page.click('[data-lang="vi"]');
  });

  await step('sign in with a key', page, async () => {
    await signIn(page, cfg.key);
    const name = await page.locator('#key-name').innerText();
    assert(name.includes('console'), `key name shown: ${name}`);
    eq(await page.inputValue('#api-key'), '', 'key input after sign-in');
    await screenshot(page, 'signed-in', false);
  });

  await step('the key is kept only for the life of the tab', page, async () => {
    const found = await storageHoldsKey(page, cfg.key);
    assert(found.length === 0, `the key was found in: ${found.join(', ')}`);
    eq((await context.cookies()).length, 0, 'cookies');
    const state = await context.storageState();
    assert(!JSON.stringify(state).includes(cfg.key), 'the browser context storage holds the key');
    // Another tab of the same browser profile is not signed in.
    const other = await openConsole(context);
    assert(await other.locator('#app').isHidden(), 'a second tab is signed in');
    assert(await other.locator('#login').isVisible(), 'a second tab shows no sign-in');
    await other.close();
    // Reloading the tab forgets the key.
    await page.reload();
    await page.locator('#login-form').waitFor();
    assert(await page.locator('#app').isHidden(), 'still signed in after a reload');
    await signIn(page, cfg.key);
  });

  await step('keyboard: tabs move with the arrow keys', page, async () => {
    await page.focus('#tab-doc');
    await page.keyboard.press('ArrowRight');
    eq(await page.evaluate(() => document.activeElement.id), 'tab-match', 'focus after ArrowRight');
    eq(await page.getAttribute('#tab-match', 'aria-selected'), 'true', 'aria-selected');
    assert(await page.locator('#panel-match').isVisible(), 'match panel shown');
    await page.keyboard.press('End');
    eq(await page.evaluate(() => document.activeElement.id), 'tab-ops', 'focus after End');
    await page.keyboard.press('Home');
    eq(await page.evaluate(() => document.activeElement.id), 'tab-doc', 'focus after Home');
    assert(await page.locator('#panel-doc').isVisible(), 'document panel shown');
  });

  let docAnswer = null;
  await step('read a committed card (front and back)', page, async () => {
    const panel = page.locator('#panel-doc');
    const inputs = panel.locator('input[type=file]:not([capture])');
    // The front is dropped onto its zone, as a file dragged from the desktop; the back is chosen.
    const front = fs.readFileSync(path.join(cfg.cards, '0003_cccd_chip_front_phone.jpg')).toString('base64');
    const transfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], '0003_cccd_chip_front_phone.jpg', { type: 'image/jpeg' }));
      return dt;
    }, front);
    await panel.locator('.drop').nth(0).dispatchEvent('drop', { dataTransfer: transfer });
    await panel.locator('.preview').nth(0).locator('img').waitFor();
    await inputs.nth(1).setInputFiles(path.join(cfg.cards, '0003_cccd_chip_back_phone.jpg'));
    // Phones open the rear camera for cards.
    const capture = await panel.locator('input[capture]').evaluateAll((els) => els.map((e) => `${e.getAttribute('capture')} ${e.accept}`));
    eq(JSON.stringify(capture), JSON.stringify(['environment image/*', 'environment image/*']), 'camera inputs');
    const { status, body } = await answerOf(page, 'predict', () => panel.getByRole('button', { name: 'Đọc giấy tờ' }).click());
    eq(status, 200, 'predict HTTP status');
    docAnswer = body;
    const sides = panel.locator('section.side');
    await sides.nth(1).waitFor({ timeout: TIMEOUT });
    eq(await sides.count(), 2, 'sides shown');
    const truth = JSON.parse(fs.readFileSync(path.join(cfg.cards, '0003_cccd_chip_front_phone.json')));
    let compared = 0;
    for (let i = 0; i < 2; i += 1) {
      const side = body.output[i];
      const view = sides.nth(i);
      eq((await view.locator('h2').innerText()).trim(), side.class_name.value, `side ${i} class name`);
      for (const [name, f] of Object.entries(side)) {
        if (!f || typeof f !== 'object' || !('confidence' in f) || name === 'class_name') continue;
        const row = view.locator(`tr[data-field="${name}"]`);
        eq((await row.locator('span.value').innerText()).trim(), f.value, `side ${i} ${name} value`);
        const chip = row.locator('.conf');
        const shown = await chip.innerText();
        eq(shown.split(/\s/)[0], f.confidence.toFixed(2), `side ${i} ${name} confidence`);
        const level = f.confidence >= 0.85 ? 'high' : f.confidence >= 0.6 ? 'mid' : 'low';
        eq(await chip.getAttribute('data-level'), level, `side ${i} ${name} confidence colour`);
        if (f.normalized && typeof f.normalized === 'object' && f.normalized.value !== undefined) {
          const norm = await row.locator('td').nth(2).innerText();
          assert(norm.includes(String(f.normalized.value)), `side ${i} ${name} normalized: page ${norm}, API ${f.normalized.value}`);
        }
        compared += 1;
      }
      if (side.card && side.card.located) {
        const stats = await view.locator('figure.card-image canvas').evaluate((c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let sum = 0; let sq = 0; const n = d.length / 4;
          for (let k = 0; k < d.length; k += 4) { const g = (d[k] + d[k + 1] + d[k + 2]) / 3; sum += g; sq += g * g; }
          const mean = sum / n;
          return { w: c.width, h: c.height, mean, sd: Math.sqrt(sq / n - mean * mean) };
        });
        assert(stats.w === 800 && stats.h > 400 && stats.sd > 20, `rectified card looks empty: ${JSON.stringify(stats)}`);
      }
      if (side.qr) {
        const rows = view.locator('section.crosscheck tr[data-field="id"]');
        assert(await rows.count() >= 1, `side ${i}: QR cross-check table missing`);
        if (side.qr.id === side.id.value) eq(await rows.first().getAttribute('data-verdict'), 'agree', 'QR id verdict');
      }
      if (side.mrz) {
        const mrz = await view.locator('pre.mrz').innerText();
        eq(mrz.trim(), side.mrz.lines.join('\n'), `side ${i} MRZ lines`);
      }
      const live = await view.locator('section.liveness').innerText();
      assert(live.length > 10, `side ${i}: no card liveness section`);
    }
    assert(compared >= 8, `only ${compared} fields compared`);
    const idCell = await sides.nth(0).locator('tr[data-field="id"] span.value').innerText();
    eq(idCell.trim(), truth.fields.id, 'the card number (ground truth)');
    await screenshot(page, 'document-vi');
  });

  await step('language switch relabels the page', page, async () => {
    await page.click('[data-lang="en"]');
    eq(await page.getAttribute('html', 'lang'), 'en', 'html lang');
    const label = await page.locator('#panel-doc tr[data-field="ngay_sinh"] th span').first().innerText();
    eq(label, 'Date of birth', 'ngay_sinh label in English');
    eq((await page.locator('#tab-ops').innerText()).trim(), 'Operations', 'ops tab in English');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'document-en', false);
    // The picture of docs/console.md and the README: the front side's result, in English.
    await page.locator('#panel-doc section.side').first().screenshot({ path: path.join(cfg.out, 'document-en-front.png') });
    const type = await page.locator('#panel-doc section.side').first().locator('dl.facts dd').first().innerText();
    assert(type.includes('front'), `side name not relabelled: ${type}`);
    await page.click('[data-lang="vi"]');
    eq((await page.locator('#tab-ops').innerText()).trim(), 'Vận hành', 'ops tab in Vietnamese');
  });

  await step('operations: readiness, version, models with sha256, traffic, audit', page, async () => {
    const [info] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/call/server_info'), { timeout: TIMEOUT }),
      page.click('#tab-ops'),
    ]);
    const body = await info.json();
    const panel = page.locator('#panel-ops');
    await panel.locator('.version').waitFor({ timeout: TIMEOUT });
    const version = (await panel.locator('.version').innerText()).trim();
    assert(cfg.versionText.includes(version) && version.length > 0, `version ${version} not in \`ekyc version\`: ${cfg.versionText}`);
    await panel.locator('.ready-state').waitFor({ timeout: TIMEOUT });
    eq(await panel.locator('.ready-state').getAttribute('data-ready'), 'true', 'readiness');
    const shas = await panel.locator('.models code.sha').allInnerTexts();
    const expected = cfg.manifest.models.map((m) => m.sha256).sort();
    eq(JSON.stringify(shas.map((s) => s.trim()).sort()), JSON.stringify(expected), 'model sha256 list (manifest.json)');
    eq(body.output.models.length, expected.length, 'server_info models');
    await panel.locator('.traffic tbody tr').first().waitFor({ timeout: TIMEOUT });
    const predictRow = panel.locator('.traffic tbody tr', { hasText: 'predict' });
    const count = Number(await predictRow.locator('td').nth(1).innerText());
    assert(count >= 1, `predict requests shown: ${count}`);
    await panel.locator('.audit').waitFor({ state: 'attached', timeout: TIMEOUT });
    // A second refresh gives a recent rate.
    await panel.getByRole('button', { name: 'Làm mới' }).click();
    await page.waitForFunction(() => !document.querySelector('#panel-ops .status[aria-busy]'), null, { timeout: TIMEOUT });
    const rate = await panel.locator('.traffic tbody tr', { hasText: 'server_info' }).locator('td').nth(3).innerText();
    assert(rate !== '—', 'no recent rate after a second refresh');
    await screenshot(page, 'operations');
  });

  await step('responsive down to a phone', page, async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const tab of ['doc', 'match', 'db', 'ops']) {
      await page.click(`#tab-${tab}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= 376, `${tab}: the page is ${width}px wide at a 375px viewport`);
      if (tab === 'doc' || tab === 'ops') await screenshot(page, `phone-${tab}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('#tab-doc');
  });

  await step('text contrast meets WCAG AA on every page', page, async () => {
    const low = [];
    for (const tab of ['doc', 'match', 'db', 'ops']) {
      await page.click(`#tab-${tab}`);
      low.push(...await page.evaluate(() => {
        const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
        const lum = ([r, g, b]) => {
          const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const background = (el) => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
          }
          return [255, 255, 255];
        };
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!n.textContent.trim() || !el || !el.checkVisibility()) continue;
          const st = getComputedStyle(el);
          if (st.visibility === 'hidden' || el.closest('[hidden], .visually-hidden, option')) continue;
          const fg = rgb(st.color);
          const l1 = lum(fg); const l2 = lum(background(el));
          const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
          const size = parseFloat(st.fontSize);
          const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
          if (ratio < (large ? 3 : 4.5)) out.push(`${ratio.toFixed(2)} "${n.textContent.trim().slice(0, 30)}" (${st.color})`);
        }
        return out;
      }));
    }
    await page.click('#tab-doc');
    assert(low.length === 0, `low contrast: ${[...new Set(low)].join('; ')}`);
  });

  await step('every control has a label, every image a text alternative', page, async () => {
    const missing = await page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll('input, select, textarea')) {
        if (el.type === 'hidden') continue;
        if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) out.push(`${el.tagName} ${el.id}`);
      }
      for (const el of document.querySelectorAll('img')) if (!el.hasAttribute('alt')) out.push(`img ${el.src.slice(0, 40)}`);
      for (const el of document.querySelectorAll('canvas')) if (!el.getAttribute('aria-label')) out.push('canvas');
      for (const el of document.querySelectorAll('button')) if (!el.innerText.trim() && !el.getAttribute('aria-label')) out.push(`button ${el.outerHTML.slice(0, 60)}`);
      return out;
    });
    assert(missing.length === 0, `unlabelled: ${missing.join('; ')}`);
  });

  await step('a key revoked while the page is open sends the operator back to sign-in', null, async () => {
    const p2 = await openConsole(context);
    await signIn(p2, cfg.tempKey);
    execFileSync(cfg.ekyc, ['keys', 'revoke', cfg.tempKeyName], { env: { ...process.env, ...cfg.serverEnv } });
    await p2.click('#tab-ops');
    await p2.locator('#login').waitFor({ state: 'visible', timeout: TIMEOUT });
    const text = await p2.locator('#login-error').innerText();
    assert(text.includes('không còn chấp nhận'), `revoked message: ${text}`);
    const found = await storageHoldsKey(p2, cfg.tempKey);
    assert(found.length === 0, `the revoked key is still in: ${found.join(', ')}`);
    await p2.close();
  });

  await context.close();
}

async function faces(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  const page = await openConsole(context);
  const [f1, f2, f3] = cfg.faces;
  const userId = `console-test-${Date.now()}`;
  await signIn(page, cfg.key);

  await step('match a face pair', page, async () => {
    await page.click('#tab-match');
    const panel = page.locator('#panel-match');
    const inputs = panel.locator('input[type=file]:not([capture])');
    await inputs.nth(0).setInputFiles(f1);  // "card": any photo with a face
    await inputs.nth(1).setInputFiles(f2);  // selfie
    const { status, body } = await answerOf(page, 'check_match_image_card_image_general', () => panel.getByRole('button', { name: 'So khớp' }).click());
    eq(status, 200, 'match HTTP status');
    const m = body.output.is_matched;
    await panel.locator('.match-result').waitFor({ timeout: TIMEOUT });
    eq(await panel.locator('.verdict').getAttribute('data-matched'), String(m.value === 'True'), 'verdict');
    const sim = parseShown(await panel.locator('.similarity').innerText());
    assert(Math.abs(sim - m.similarity) < 1e-9, `similarity shown ${sim}, API ${m.similarity}`);
    eq(await panel.locator('.faces figure').count(), 2, 'faces side by side');
    const live = await panel.locator('section.liveness').innerText();
    assert(/Người thật|Không phải người thật|Không kiểm tra được/.test(live), `liveness shown: ${live}`);
    const reasons = body.output.liveness_detail.reasons || [];
    for (const r of reasons) assert(live.includes(typeof r === 'string' ? r : JSON.stringify(r)), `reason ${r} not shown`);
    await screenshot(page, 'match');
  });

  await step('match with a selfie video (eKYC registration with video liveness)', page, async () => {
    if (!cfg.video) {
      console.log('  (skipped: the shared face videos are absent)');
      return;
    }
    const panel = page.locator('#panel-match');
    await panel.getByRole('radio', { name: /^Video/ }).check();
    const inputs = panel.locator('input[type=file]:not([capture])');
    await inputs.nth(0).setInputFiles(cfg.video.card);
    await panel.locator('input[type=file][accept="image/*"]:not([capture])').nth(2).setInputFiles(path.join(cfg.cards, '0003_cccd_chip_back_phone.jpg'));
    await panel.locator('input[type=file][accept="video/*"]:not([capture])').setInputFiles(cfg.video.clip);
    await panel.getByLabel('Mã người dùng', { exact: true }).fill(`${userId}-video`);
    const videoCapture = await panel.locator('input[capture][accept="video/*"]').getAttribute('capture');
    eq(videoCapture, 'user', 'the selfie video opens the front camera');
    const { status, body } = await answerOf(page, 'register_ekyc_front_back_face_video', () => panel.getByRole('button', { name: 'So khớp' }).click());
    eq(status, 200, 'video registration HTTP status');
    const block = body.output[2];
    await panel.locator('.match-result').waitFor({ timeout: TIMEOUT });
    const live = await panel.locator('section.liveness').innerText();
    const expected = block.is_matched.liveness === 'True' ? 'Người thật' : 'Không phải người thật';
    assert(live.includes(expected), `liveness shown: ${live}`);
    assert(live.includes('video'), 'liveness mode not shown as video');
    for (const r of block.liveness_detail.reasons || []) assert(live.includes(r), `reason ${r} not shown`);
    if (block.registration) {
      const reg = await panel.locator('.match-result').innerText();
      assert(reg.includes(block.registration.registered ? `${userId}-video` : 'Không lưu'), 'registration not shown');
    }
    await screenshot(page, 'match-video');
  });

  const collectionInput = page.locator('#panel-db input[list="collections-list"]');
  let faceIds = [];
  await step('register a user with two faces', page, async () => {
    await page.click('#tab-db');
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Đăng ký khuôn mặt' }) });
    await card.getByLabel('Mã người dùng').fill(userId);
    await card.locator('input[type=file][multiple]:not([capture])').setInputFiles([f1, f2]);
    const { body } = await answerOf(page, 'register_user_face', () => card.getByRole('button', { name: 'Đăng ký', exact: true }).click());
    assert(!body.code, `registration answered code ${body.code}: ${body.error}`);
    faceIds = body.output.face_ids;
    eq(faceIds.length, 2, 'face ids');
    const done = await card.locator('.done').innerText();
    assert(done.includes(userId) && done.includes('2'), `registration message: ${done}`);
    const ids = await card.locator('code.wrap').first().innerText();
    eq(ids, faceIds.join(', '), 'face ids shown');
  });

  await step('open the user and show thumbnails on request', page, async () => {
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Tra cứu người dùng' }) });
    await card.getByLabel('Mã người dùng').fill(userId);
    await answerOf(page, 'get_all_face_of_user', () => card.getByRole('button', { name: 'Mở', exact: true }).click());
    await card.locator('.face-item').first().waitFor({ timeout: TIMEOUT });
    const shownIds = await card.locator('.face-item').evaluateAll((els) => els.map((e) => e.dataset.faceId));
    eq(JSON.stringify(shownIds.sort()), JSON.stringify([...faceIds].sort()), 'faces listed');
    eq(await card.locator('img.thumb').count(), 0, 'thumbnails before asking');
    const { body } = await answerOf(page, 'get_all_face_of_user', () => card.getByRole('button', { name: /Hiện ảnh thu nhỏ/ }).click());
    assert(body.output.faces.every((f) => f.image && f.image.base64), 'the API returned no images');
    await card.locator('img.thumb').nth(1).waitFor({ timeout: TIMEOUT });
    const decoded = await card.locator('img.thumb').evaluateAll((imgs) => Promise.all(imgs.map((i) => i.decode().then(() => i.naturalWidth))));
    assert(decoded.length === 2 && decoded.every((w) => w > 20), `thumbnails not decodable: ${decoded}`);
    await screenshot(page, 'user');
  });

  await step('verify 1:1 with another photo', page, async () => {
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Xác minh 1:1' }) });
    await card.getByLabel('Mã người dùng').fill(userId);
    await card.locator('input[type=file]:not([capture])').setInputFiles(f3);
    const { body } = await answerOf(page, 'verify_user_face', () => card.getByRole('button', { name: 'Xác minh', exact: true }).click());
    await card.locator('.verdict').waitFor({ timeout: TIMEOUT });
    const text = await card.locator('.verdict').innerText();
    assert(text.includes(body.output.is_matched.value === 'True' ? 'Khớp' : 'Không khớp'), `verify verdict: ${text}`);
    eq(body.output.is_matched.value, 'True', 'a third photo of the registered person verifies');
  });

  await step('search by photo: ranked results', page, async () => {
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Tìm kiếm 1:N bằng ảnh' }) });
    await card.locator('input[type=file]:not([capture])').setInputFiles(f3);
    const { body } = await answerOf(page, 'search_face', () => card.getByRole('button', { name: 'Tìm kiếm', exact: true }).click());
    const matches = body.output.matches;
    assert(matches.length >= 1, `search found nobody (code ${body.code})`);
    eq(matches[0].user_id, userId, 'best match');
    await card.locator('.search-results tbody tr').first().waitFor({ timeout: TIMEOUT });
    const rows = card.locator('.search-results tbody tr');
    eq(await rows.count(), matches.length, 'result rows');
    for (let i = 0; i < matches.length; i += 1) {
      const cells = rows.nth(i).locator('td');
      eq((await cells.nth(0).innerText()).trim(), String(i + 1), `rank ${i}`);
      eq((await cells.nth(1).innerText()).trim(), matches[i].user_id, `user ${i}`);
      const sim = parseShown((await cells.nth(3).innerText()).trim());
      assert(Math.abs(sim - matches[i].similarity) < 1e-9, `similarity ${i}: ${sim} vs ${matches[i].similarity}`);
    }
    await screenshot(page, 'search');
  });

  await step('delete a face: cancel keeps it, confirm deletes it', page, async () => {
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Tra cứu người dùng' }) });
    const first = card.locator('.face-item').first();
    const faceId = await first.getAttribute('data-face-id');
    await first.getByRole('button', { name: 'Xóa khuôn mặt' }).click();
    const dialog = page.locator('#confirm-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert((await dialog.innerText()).includes(faceId), 'the dialog names the face');
    await dialog.getByRole('button', { name: 'Hủy' }).click();
    await dialog.waitFor({ state: 'hidden' });
    eq(await card.locator('.face-item').count(), 2, 'faces after cancelling');
    await first.getByRole('button', { name: 'Xóa khuôn mặt' }).click();
    await dialog.waitFor({ state: 'visible' });
    await screenshot(page, 'confirm-delete', false);
    const { body } = await answerOf(page, 'delete_user_face', () => dialog.getByRole('button', { name: 'Xóa', exact: true }).click());
    assert(!body.code, `delete answered code ${body.code}`);
    await page.waitForFunction((id) => !document.querySelector(`#panel-db .face-item[data-face-id="${id}"]`) && document.querySelectorAll('#panel-db .face-item').length === 1, faceId, { timeout: TIMEOUT });
    assert((await card.locator('.done').innerText()).includes(faceId), 'face deleted message');
  });

  await step('delete the user after confirming; the user is gone', page, async () => {
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Tra cứu người dùng' }) });
    await card.getByRole('button', { name: 'Xóa người dùng' }).click();
    const dialog = page.locator('#confirm-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert((await dialog.innerText()).includes(userId), 'the dialog names the user');
    await answerOf(page, 'delete_user_face', () => dialog.getByRole('button', { name: 'Xóa', exact: true }).click());
    await card.locator('.done').waitFor({ timeout: TIMEOUT });
    assert((await card.locator('.done').innerText()).includes(userId), 'user deleted message');
    const { body } = await answerOf(page, 'get_all_face_of_user', () => card.getByRole('button', { name: 'Mở', exact: true }).click());
    eq(body.code, 'E855', 'the deleted user is looked up');
    await card.locator('.outcome').waitFor({ timeout: TIMEOUT });
    assert((await card.locator('.outcome').innerText()).includes('Không tìm thấy'), 'not-found message');
  });

  await step('a third-party collection: register with replace, listed in collections', page, async () => {
    await collectionInput.fill('partner-a');
    const card = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Đăng ký khuôn mặt' }) });
    await card.getByLabel('Mã người dùng').fill(`${userId}-p`);
    await card.locator('input[type=file][multiple]:not([capture])').setInputFiles([f1]);
    await card.getByLabel(/Thay thế toàn bộ/).check();
    const { body } = await answerOf(page, 'register_user_face_third_party', () => card.getByRole('button', { name: 'Đăng ký', exact: true }).click());
    assert(!body.code, `third-party registration answered ${body.code}: ${body.error}`);
    eq(body.output.collection, 'partner-a', 'collection');
    await page.click('#tab-ops');
    await page.click('#tab-db');
    await page.waitForFunction(() => [...document.querySelectorAll('#collections-list option')].some((o) => o.value === 'partner-a'), null, { timeout: TIMEOUT });
    const lookup = page.locator('#panel-db section.card', { has: page.getByRole('heading', { name: 'Tra cứu người dùng' }) });
    await lookup.getByLabel('Mã người dùng').fill(`${userId}-p`);
    await answerOf(page, 'get_all_face_of_user', () => lookup.getByRole('button', { name: 'Mở', exact: true }).click());
    await lookup.getByRole('button', { name: 'Xóa người dùng' }).click();
    await answerOf(page, 'delete_user_face', () => page.locator('#confirm-dialog').getByRole('button', { name: 'Xóa', exact: true }).click());
    await collectionInput.fill('default');
  });

  await step('audit events list who did what, without user or face ids', page, async () => {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/call/audit_events'), { timeout: TIMEOUT }),
      page.click('#tab-ops'),
    ]);
    const events = (await res.json()).output.events;
    const panel = page.locator('#panel-ops');
    await panel.locator('.audit tbody tr').first().waitFor({ timeout: TIMEOUT });
    const ops = await panel.locator('.audit tbody tr td:nth-child(3)').allInnerTexts();
    for (const op of ['register', 'get_user', 'get_user_with_images', 'verify', 'search', 'delete_face', 'delete_user', 'replace_user']) {
      assert(ops.includes(op), `audit lacks ${op}: ${ops.join(', ')}`);
    }
    eq(ops.length, events.length, 'audit rows');
    const actors = await panel.locator('.audit tbody tr td:nth-child(2)').allInnerTexts();
    assert(actors.length > 0 && actors.every((a) => a === 'api:console'), `actors: ${actors}`);
    const text = await panel.locator('.audit').innerText();
    assert(!text.includes(userId), 'the audit list shows a user id');
    for (const id of faceIds) assert(!text.includes(id), 'the audit list shows a face id');
    assert(!JSON.stringify(events).includes(userId), 'audit_events returns a user id');
    await screenshot(page, 'audit');
  });

  await context.close();
}

const browser = await chromium.launch({ executablePath: cfg.chromium, args: CHROMIUM_ARGS, timeout: TIMEOUT });
try {
  if (cfg.part === 'core') await core(browser);
  else await faces(browser);
} finally {
  await browser.close();
}
await step('no script errors or CSP violations in the page', null, async () => {
  assert(pageProblems.length === 0, pageProblems.join('\n'));
});
console.log(failures ? `${failures} step(s) failed` : 'PASS');
process.exit(failures ? 1 : 0);
