-- wrk script: GET the URLs (paths with query, one a line) of the file named by URLS in turn,
-- each thread starting at its own offset; for the GeoJSON per z12 box of docs/benchmarks.md
-- ("Compressed answers"). GZIP=1 sends Accept-Encoding: gzip; ETAGS=1 revalidates with the
-- ETag each URL last answered (If-None-Match: 304s), as a browser does. Prints the summary
-- line of wrk_summary.lua.
local gzip = os.getenv("GZIP") == "1"
local etags = os.getenv("ETAGS") == "1"
local urls = {}
for line in io.lines(os.getenv("URLS")) do
  if line:match("^/") then urls[#urls + 1] = line end
end
assert(#urls > 0, "URLS: no line starting with '/' in " .. tostring(os.getenv("URLS")))
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
end
function request()
  i = i % #urls + 1
  last = i
  local headers = nil
  if etags and tags[i] then headers = { ["If-None-Match"] = tags[i] } end
  return wrk.format("GET", urls[i], headers)
end
-- Defined only when wanted: wrk parses every answer's headers for a script with response().
if etags then
  function response(status, headers, body)
    if last and headers["ETag"] then tags[last] = headers["ETag"] end
  end
end
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "wrk_summary.lua")
