-- wrk script: GET the paths of the file PATHS (one a line, each thread starting at its own
-- place), so a run spreads over a fixed set of requests. TOKEN, when set, is sent as a bearer
-- token; GZIP=1 asks for gzip as browsers always do. Prints the summary line of wrk_summary.lua.
local token = os.getenv("TOKEN")
local gzip = os.getenv("GZIP") == "1"
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  i = (tid - 1) * 7
  wrk.headers["Connection"] = "keep-alive"
  if gzip then wrk.headers["Accept-Encoding"] = "gzip" end
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "wrk_summary.lua")
