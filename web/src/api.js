// The explorer's only door to data: GET /api/... on the same origin. An
// error answer ({"error": ...}) becomes a thrown Error with that message.
export async function api(path, params = {}, signal) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  const url = '/api/' + path + (qs.toString() ? '?' + qs : '');
  const res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const e = new Error((body && body.error) || `${res.status} ${res.statusText}`);
    e.status = res.status;
    throw e;
  }
  return body;
}
