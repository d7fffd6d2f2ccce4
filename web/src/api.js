// The explorer's only door to data: GET /api/... on the same origin, and
// POST for the one write (a judgment). An error answer ({"error": ...}) becomes a thrown Error with that message.
export function apiUrl(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  return '/api/' + path + (qs.toString() ? '?' + qs : '');
}

const get = (url, signal) => fetch(url, { signal, headers: { Accept: 'application/json' } });

// The answer of the page's first API request, which the server put in the
// page it served at a path URL (src/serve/page.c): {api: "/api/show",
// status, body}, taken once by the first api() call for that endpoint, so
// that a cold load asks the API nothing before drawing.
let first = null;

// Reads the server's answer out of the page (once, before the first route).
export function takeFirstAnswer() {
  const el = document.getElementById('first-answer');
  if (!el) return;
  el.remove();
  try {
    first = { api: el.dataset.api, status: Number(el.dataset.status), body: JSON.parse(el.textContent) };
  } catch { first = null; /* not JSON: ask the API */ }
}

// The first answer when it is for /api/<path> (taken: null afterwards),
// or null; an error answer is thrown.
export function takeFirst(path) {
  const f = first;
  first = null;
  if (!f || f.api !== '/api/' + path) return null;
  if (f.status !== 200) throw failure(f.status, f.body, '');
  return f.body;
}

export async function api(path, params = {}, signal) {
  const f = signal ? null : takeFirst(path);
  return f || answer(await get(apiUrl(path, params), signal));
}

function failure(status, body, statusText) {
  const e = new Error((body && body.error) || `${status} ${statusText}`);
  e.status = status;
  return e;
}

async function answer(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw failure(res.status, body, res.statusText);
  return body;
}

// The one write: POST /api/<path> with a JSON body and the write token.
export async function apiPost(path, payload, token) {
  return answer(await fetch('/api/' + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Behind-Token': token || '' },
    body: JSON.stringify(payload),
  }));
}
