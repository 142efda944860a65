-- wrk script: GET one query per request over ../shared/bench/query_points_10k.csv, each thread
-- starting at its own offset. QUERY is "nearest" (k=10 open targets) or "lookup"; TOKEN, when
-- set, is sent as a bearer token. Prints the summary line of wrk_summary.lua.
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
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "wrk_summary.lua")
