-- wrk script: POST one durable pledge per request, each for another open target from TARGETS
-- (one id per line; threads take disjoint slices), with the collaborator token TOKEN. Prints the summary
-- line of wrk_summary.lua; a non-2xx answer counts as an error.
local token = os.getenv("TOKEN")
local ids = {}
for line in io.lines(os.getenv("TARGETS")) do
  if #line > 0 then ids[#ids + 1] = line end
end
local n = 0
function setup(thread)
  n = n + 1
  thread:set("tid", n)
end
function init(args)
  i = (tonumber(os.getenv("FIRST") or "0")) + (tid - 1) * 100000
  wrk.headers["Connection"] = "keep-alive"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end
function request()
  i = i + 1
  return wrk.format("POST", "/api/v1/pledges",
    nil, '{"target":"' .. ids[i] .. '","form":"barang","quantity":1}')
end
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "wrk_summary.lua")
