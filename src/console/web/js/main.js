// Start-up: language, sign-in with an API key, tabs. See docs/console.md.
import { initLang, setLang, getLang, translateAll } from './i18n.js';
import { call, setKey, clearKey, onUnauthorized, ApiError } from './api.js';
import { clear, h } from './dom.js';
import { errorBox } from './ui.js';
import { mountDocument } from './view_document.js';
import { mountMatch } from './view_match.js';
import { mountDatabase } from './view_database.js';
import { mountOperations } from './view_operations.js';

const $ = (id) => document.getElementById(id);
const TABS = ['doc', 'match', 'db', 'ops'];
const views = {};
let serverInfo = null;

function showLogin(message) {
  clearKey();
  serverInfo = null;
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('key-name').hidden = true;
  $('login').hidden = false;
  const err = $('login-error');
  clear(err);
  err.hidden = !message;
  if (message) err.append(message);
  $('api-key').focus();
}

async function signIn(event) {
  event.preventDefault();
  const input = $('api-key');
  const key = input.value.trim();
  const err = $('login-error');
  clear(err);
  err.hidden = true;
  if (!key) {
    err.hidden = false;
    err.append(h('span', { i18n: 'login.empty' }));
    input.focus();
    return;
  }
  const button = $('sign-in');
  button.disabled = true;
  setKey(key);
  try {
    // Any authenticated call proves the key; server_info also feeds the pages.
    const env = await call('server_info');
    serverInfo = env.output;
  } catch (e) {
    clearKey();
    button.disabled = false;
    err.hidden = false;
    if (e instanceof ApiError && e.http === 401) {
      err.append(h('strong', { i18n: 'login.rejected' }), ' ', h('span', { i18n: 'login.rejected_help' }));
    } else {
      err.append(errorBox(e));
    }
    input.select();
    return;
  }
  button.disabled = false;
  input.value = '';  // the key stays in api.js's memory only
  $('login').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  const name = $('key-name');
  clear(name).append(h('span', { i18n: 'app.key_name', args: { name: serverInfo.api_key_name || '' } }));
  name.hidden = false;
  for (const v of Object.values(views)) if (v.onSignIn) v.onSignIn(serverInfo);
  selectTab(tabFromHash() || 'doc', false);
}

function tabFromHash() {
  const name = location.hash.replace('#', '');
  return TABS.includes(name) ? name : null;
}

function selectTab(name, focus) {
  for (const t of TABS) {
    const tab = $(`tab-${t}`);
    const on = t === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (focus) $(`tab-${name}`).focus();
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  if (views[name] && views[name].onShow) views[name].onShow();
}

function initTabs() {
  const list = document.querySelector('[role="tablist"]');
  for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => selectTab(t, false));
  // Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern, automatic activation).
  list.addEventListener('keydown', (e) => {
    const current = TABS.findIndex((t) => $(`tab-${t}`) === document.activeElement);
    if (current < 0) return;
    let next = null;
    if (e.key === 'ArrowRight') next = (current + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (current + TABS.length - 1) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    if (next === null) return;
    e.preventDefault();
    selectTab(TABS[next], true);
  });
  window.addEventListener('hashchange', () => {
    const t = tabFromHash();
    if (t && !$('app').hidden) selectTab(t, false);
  });
}

function initLangSwitch() {
  for (const b of document.querySelectorAll('[data-lang]')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  document.addEventListener('langchange', () => {
    for (const b of document.querySelectorAll('[data-lang]')) {
      b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
    }
  });
}

function start() {
  initLang();
  initLangSwitch();
  translateAll(document);
  initTabs();
  views.doc = mountDocument($('panel-doc'));
  views.match = mountMatch($('panel-match'));
  views.db = mountDatabase($('panel-db'));
  views.ops = mountOperations($('panel-ops'));
  $('login-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => {
    for (const v of Object.values(views)) if (v.onSignOut) v.onSignOut();
    showLogin(null);
  });
  onUnauthorized(() => {
    for (const v of Object.values(views)) if (v.onSignOut) v.onSignOut();
    showLogin(h('span', { i18n: 'login.revoked' }));
  });
  showLogin(null);
}

start();
