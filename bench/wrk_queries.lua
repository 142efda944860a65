-- wrk script: GET one query per request over ../shared/bench/query_points_10k.csv, each thread
-- starting at its own offset. QUERY is "nearest" (k=10 open targets) or "lookup"; TOKEN, when
-- set, is sent as a bearer token. Prints one TSV line: rps p50_ms p90_ms p99_ms mean_ms max_ms
-- requests non2xx_and_errors.
local query = os.getenv("QUERY") or "nearest"
local token = os.getenv("TOKEN")
local points = {}
for line in io.lines(os.getenv("POINTS")) do
  local lon, lat = line:match("^([%d%.%-]+),([%d%.%-]+)")
  if lon then points[#points + 1] = { lon, lat } end
end
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  i = (tid - 1) * 5003
  wrk.headers["Connection"] = "keep-alive"
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end
function request()
  i = i % #points + 1
  local p = points[i]
  if query == "lookup" then
    return wrk.format("GET", "/api/v1/lookup?lon=" .. p[1] .. "&lat=" .. p[2])
  end
  return wrk.format("GET", "/api/v1/targets/nearest?k=10&lon=" .. p[1] .. "&lat=" .. p[2])
end
local bad = 0
function response(status, headers, body)
  if status ~= 200 and status ~= 404 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRKSUM\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\n",
    summary.requests / s, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000, summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout))
end
