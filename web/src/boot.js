// Loaded by index.html with `async` before the bundle: starts the page's
// first API request at once (see first.js) and leaves it for api.js.
import { firstRequest } from './first.js';
import { apiUrl, early } from './api.js';

const r = firstRequest(location.hash);
if (r) early(apiUrl(r[0], r[1]));
