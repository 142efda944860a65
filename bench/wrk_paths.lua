-- wrk script: GET the paths (with their query) of the file PATHS, one a line, in turn, each
-- thread starting at its own place, so a run spreads over a fixed set of requests. TOKEN, when
-- set, is sent as a bearer token; GZIP=1 asks for gzip as browsers always do; ETAGS=1
-- revalidates with the ETag each path last answered (If-None-Match: 304s), as a browser does.
-- Prints the summary line of wrk_summary.lua.
local token = os.getenv("TOKEN")
local gzip = os.getenv("GZIP") == "1"
local etags = os.getenv("ETAGS") == "1"
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  if line:match("^/") then paths[#paths + 1] = line end
end
assert(#paths > 0, "PATHS: no line starting with '/' in " .. tostring(os.getenv("PATHS")))
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  i = (tid - 1) * 7
  last = nil
  tags = {}
  wrk.headers["Connection"] = "keep-alive"
  if gzip then wrk.headers["Accept-Encoding"] = "gzip" end
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end
function request()
  i = i % #paths + 1
  last = i
  local headers = nil
  if etags and tags[i] then headers = { ["If-None-Match"] = tags[i] } end
  return wrk.format("GET", paths[i], headers)
end
-- Defined only when wanted: wrk parses every answer's headers for a script with response().
if etags then
  function response(status, headers, body)
    if last and headers["ETag"] then tags[last] = headers["ETag"] end
  end
end
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "wrk_summary.lua")
