// The explorer's only door to data: GET /api/... on the same origin, and
// POST for the one write (a judgment). An error answer ({"error": ...}) becomes a thrown Error with that message.
export async function api(path, params = {}, signal) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  const url = '/api/' + path + (qs.toString() ? '?' + qs : '');
  return answer(await fetch(url, { signal, headers: { Accept: 'application/json' } }));
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
