-- wrk script of the soak test's honest traffic: runs the request script SOAK_INNER
-- (bench/wrk_tiles.lua or bench/wrk_queries.lua, with their own environment), always with
-- Connection: keep-alive, counts answers by status, 4xx/5xx answers that are not
-- application/problem+json and 503s without Retry-After, and prints one line:
-- SOAKWRK {"requests":…,"seconds":…,"rps":…,"ok_rps":…,"p50_ms":…,"p90_ms":…,
--   "p99_ms":…,"max_ms":…,"statuses":{…},"not_problem_json":…,"no_retry_after_503":…,
--   "errors":{…}}
-- (ok: 2xx and 3xx answers; wrk's errors: connect, read, write, timeout, status).
dofile(os.getenv("SOAK_INNER"))

local threads = {}
local inner_setup = setup
function setup(thread)
  if inner_setup then inner_setup(thread) end
  threads[#threads + 1] = thread
end

local inner_init = init
function init(args)
  if inner_init then inner_init(args) end
  wrk.headers["Connection"] = "keep-alive"
  statuses = {}
  not_problem_json = 0
  no_retry_after = 0
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 then
    local content_type, retry_after = "", false
    for name, value in pairs(headers) do
      local n = name:lower()
      if n == "content-type" then content_type = value:lower() end
      if n == "retry-after" then retry_after = true end
    end
    if not content_type:find("^application/problem%+json") then
      not_problem_json = not_problem_json + 1
    end
    if status == 503 and not retry_after then no_retry_after = no_retry_after + 1 end
  end
end

function done(summary, latency, requests)
  local all, ok, npj, nra = {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for status, n in pairs(counts) do
      all[status] = (all[status] or 0) + n
      if status < 400 then ok = ok + n end
    end
    npj = npj + (thread:get("not_problem_json") or 0)
    nra = nra + (thread:get("no_retry_after") or 0)
  end
  local parts = {}
  for status, n in pairs(all) do parts[#parts + 1] = string.format('"%d":%d', status, n) end
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format('SOAKWRK {"requests":%d,"seconds":%.3f,"rps":%.1f,"ok_rps":%.1f,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"statuses":{%s},' ..
    '"not_problem_json":%d,"no_retry_after_503":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
    summary.requests, s, summary.requests / s, ok / s,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, table.concat(parts, ","), npj, nra,
    e.connect, e.read, e.write, e.timeout, e.status))
end
