// Calls to the server. The API key lives in this module's memory only: never in localStorage,
// sessionStorage, cookies, IndexedDB or the URL, so it is gone when the tab is reloaded or closed.
// Every action of the console is one of these calls, so it can do nothing a client cannot.

let apiKey = null;
const listeners = new Set();

export function setKey(key) { apiKey = key; }
export function clearKey() { apiKey = null; }
export function hasKey() { return apiKey !== null; }
// Called with the ApiError when the server refuses the key (revoked while the page is open).
export function onUnauthorized(fn) { listeners.add(fn); }

export class ApiError extends Error {
  constructor(http, code, message, requestId, retryAfter) {
    super(message);
    this.http = http;
    this.code = code;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

// POST /call/<route>: multipart/form-data when a field is a file, else a JSON object of strings
// (the server reads both alike). `fields`: {name: string | number | boolean | File};
// null/undefined/'' values are left out. Returns the envelope of an HTTP 200 answer (business
// outcomes such as code 4 "matching failed" included); throws ApiError otherwise.
export async function call(route, fields = {}) {
  if (apiKey === null) throw new ApiError(401, 'E401', 'not signed in', '', 0);
  const given = Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const headers = { 'x-api-key': apiKey };
  let body;
  if (given.some(([, v]) => v instanceof Blob)) {
    body = new FormData();
    for (const [name, value] of given) {
      if (value instanceof Blob) body.append(name, value, value.name || name);
      else body.append(name, String(value));
    }
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(Object.fromEntries(given.map(([k, v]) => [k, String(v)])));
  }
  let res;
  try {
    res = await fetch(`/call/${encodeURIComponent(route)}`, {
      method: 'POST',
      headers,
      body,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message ? e.message : e), '', 0);
  }
  let env = null;
  try {
    env = await res.json();
  } catch {
    throw new ApiError(res.status, `E${res.status}`, res.statusText || 'not JSON', '', 0);
  }
  if (res.status !== 200) {
    const err = new ApiError(res.status, env.code || `E${res.status}`, env.error || res.statusText,
      env.request_id || res.headers.get('X-Request-Id') || '',
      Number(res.headers.get('Retry-After')) || 0);
    if (res.status === 401) for (const fn of listeners) fn(err);
    throw err;
  }
  return env;
}

// GET of an unauthenticated operations endpoint (/readyz, /metrics). No key is sent.
export async function getPublic(path) {
  const res = await fetch(path, { cache: 'no-store', credentials: 'omit' });
  return { status: res.status, text: await res.text() };
}
