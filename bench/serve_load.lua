-- wrk script of bench/serve_load.sh: with PATHS set (a file of request
-- paths, one per line), each thread rotates through them from its own
-- offset, so that every request names a different entity or query; the
-- report line gives requests/s, p50/p90/p99 in ms, non-2xx, socket errors
-- and the request count.
local paths, counter = {}, 0
local list = os.getenv("PATHS")
if list and list ~= "" then
  for line in io.lines(list) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = (id or 0) * 7919 -- id: set by setup() in this thread's state
end
if #paths > 0 then
  request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
  end
end
done = function(summary, latency, requests)
  local errs = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errs, summary.requests))
end
