-- The anchors' browsing-mix script (WRK_MIX_SCRIPT), with a bearer token when WRK_TOKEN is set:
-- targets tiles differ by the caller's role.
dofile(os.getenv("WRK_MIX_SCRIPT"))
local mix_init = init
function init(args)
  mix_init(args)
  local token = os.getenv("WRK_TOKEN")
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end
