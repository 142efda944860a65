-- wrk script: GET one page of the planners' coverage ranking (issue 14, "rankings kept").
-- RANKING picks the request:
--   first_page   /api/v1/coverage?level=rw&sort=unserved             (the first 50 RWs)
--   limit_1000   /api/v1/coverage?level=rw&sort=unserved&limit=1000
--   coverage_low /api/v1/coverage?level=rw&max_ratio=0.2&sort=unserved
--                (first page of the anchors' coverage_low: RWs under a fifth pledged)
--   summary      /api/v1/coverage/summary                            (every level's totals)
-- ACCEPT_GZIP=1 asks for gzip as browsers do; TOKEN, when set, is sent as a bearer token.
-- Prints the summary line of wrk_summary.lua.
local ranking = os.getenv("RANKING") or "first_page"
local token = os.getenv("TOKEN")
local paths = {
  first_page = "/api/v1/coverage?level=rw&sort=unserved",
  limit_1000 = "/api/v1/coverage?level=rw&sort=unserved&limit=1000",
  coverage_low = "/api/v1/coverage?level=rw&max_ratio=0.2&sort=unserved",
  summary = "/api/v1/coverage/summary",
}
local path = paths[ranking]
if not path then error("wrk_ranking.lua: unknown RANKING '" .. ranking .. "'") end
function init(args)
  wrk.headers["Connection"] = "keep-alive"
  if os.getenv("ACCEPT_GZIP") == "1" then wrk.headers["Accept-Encoding"] = "gzip" end
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end
function request()
  return wrk.format("GET", path)
end
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "wrk_summary.lua")
