// JavaScript examples (Node 18+, built-in fetch / FormData / Blob; no packages) for every route
// of `ekyc serve`.
//
//   NODE_EXTRA_CA_CERTS=var/tls/server.crt EKYC_API_KEY=$(ekyc keys add me | tail -n 1) \
//     node docs/examples/js/ekyc_example.mjs ROUTE
//
// NODE_EXTRA_CA_CERTS makes Node trust the server's self-signed certificate (it is read when Node
// starts). Prints the response envelope. The other settings are the environment variables of
// curl.sh: EKYC_URL, EKYC_API_KEY, EKYC_CARD_FRONT, EKYC_CARD_BACK, EKYC_SELFIE, EKYC_VIDEO,
// EKYC_FACE, EKYC_PROBE, EKYC_USER_ID, EKYC_FACE_ID, EKYC_COLLECTION.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cards = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tests', 'data', 'cards');
const env = process.env;
const URL_BASE = env.EKYC_URL ?? 'https://localhost:8443';
const FRONT = env.EKYC_CARD_FRONT ?? join(cards, '0003_cccd_chip_front_phone.jpg');
const BACK = env.EKYC_CARD_BACK ?? join(cards, '0003_cccd_chip_back_phone.jpg');
const USER_ID = env.EKYC_USER_ID ?? 'user-001';

function setting(name) {
  if (!env[name]) {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return env[name];
}

// fetch sends a FormData body with its Content-Length (the server refuses chunked uploads).
function form(fields, files) {
  const fd = new FormData();
  for (const [name, value] of Object.entries(fields)) fd.append(name, String(value));
  for (const [name, path] of Object.entries(files)) {
    fd.append(name, new Blob([readFileSync(path)]), basename(path));
  }
  return fd;
}

// Returns the envelope, for errors too (4xx/5xx carry the same envelope saying why).
async function post(route, body) {
  const headers = { 'x-api-key': setting('EKYC_API_KEY') };
  if (typeof body === 'string') headers['Content-Type'] = 'application/json';
  const res = await fetch(`${URL_BASE}/call/${route}`, { method: 'POST', headers, body });
  return res.json();
}

const b64 = (path) => readFileSync(path).toString('base64');

const routes = {
  register_ekyc_front_back_face: () =>
    post('register_ekyc_front_back_face',
         form({ user_id: USER_ID, check_rotate: true, threshold: 0.5 },
              { image_card1: FRONT, image_card2: BACK, image_general: setting('EKYC_SELFIE') })),
  register_ekyc_front_back_face_video: () =>
    post('register_ekyc_front_back_face_video',
         form({ user_id: USER_ID },
              { image_card1: FRONT, image_card2: BACK, video_general: setting('EKYC_VIDEO') })),
  register_user_face: () =>
    post('register_user_face', form({ user_id: USER_ID }, { image_face: setting('EKYC_FACE') })),
  check_match_image_card_image_general: () =>
    post('check_match_image_card_image_general',
         form({ threshold: 0.5 }, { image_card1: FRONT, image_general: setting('EKYC_SELFIE') })),
  verify_user_face: () =>
    post('verify_user_face', form({ user_id: USER_ID }, { image_general: setting('EKYC_PROBE') })),
  register_user_face_third_party: () =>
    post('register_user_face_third_party',
         form({ user_id: USER_ID, collection: env.EKYC_COLLECTION ?? 'partner_x' },
              { image_face: setting('EKYC_FACE') })),
  search_face: () => post('search_face/', form({ top_k: 3 }, { image_general: setting('EKYC_PROBE') })),
  get_all_face_of_user: () => post('get_all_face_of_user', JSON.stringify({ user_id: USER_ID })),
  delete_user_face: () =>
    post('delete_user_face/', JSON.stringify({
      user_id: USER_ID,
      face_id: env.EKYC_FACE_ID ?? 'all',
      collection: env.EKYC_COLLECTION ?? 'default',
    })),
  // JSON with base64 images (a data: URL or an https URL works too).
  predict: () => post('predict', JSON.stringify({ image_card1: b64(FRONT), image_card2: b64(BACK) })),
};

const route = process.argv[2];
if (!(route in routes)) {
  console.error(`usage: node ekyc_example.mjs ROUTE   (${Object.keys(routes).join(', ')})`);
  process.exit(2);
}
const envelope = await routes[route]();
console.log(JSON.stringify(envelope));
if ('code' in envelope) console.error(`${route}: ${envelope.error} (code ${envelope.code})`);
