// The explorer's only door to data: GET /api/... on the same origin, and
// POST for the one write (a judgment). An error answer ({"error": ...}) becomes a thrown Error with that message.
export function apiUrl(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  return '/api/' + path + (qs.toString() ? '?' + qs : '');
}

const get = (url, signal) => fetch(url, { signal, headers: { Accept: 'application/json' } });

// A request started by boot.js before the bundle ran (a global, since the
// two are separate scripts); taken once, by the first api() call for the
// same URL.
export function early(url) {
  const res = get(url);
  res.catch(() => { /* a failure reaches the page's own await */ });
  window.behindEarly = { url, res };
}

export async function api(path, params = {}, signal) {
  const url = apiUrl(path, params);
  const e = window.behindEarly;
  if (e && e.url === url && !signal) {
    window.behindEarly = null;
    return answer(await e.res);
  }
  return answer(await get(url, signal));
}

async function answer(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const e = new Error((body && body.error) || `${res.status} ${res.statusText}`);
    e.status = res.status;
    throw e;
  }
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
