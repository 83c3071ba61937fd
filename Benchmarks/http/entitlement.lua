-- wrk script: the entitlement check for a rotating account and feature.
-- Run by Benchmarks/http/run-entitlement.sh; by hand:
--   TALLY_KEY=tly_… wrk -t2 -c64 -d15s --latency -s entitlement.lua http://127.0.0.1:8089
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local key = os.getenv("TALLY_KEY")
local features = { "chat", "summarize", "translate", "search", "extract", "classify" }
local counter = 0

request = function()
  counter = counter + 1
  local account = string.format("demo-%03d", (counter % 50) + 1)
  local feature = features[(counter % #features) + 1]
  return wrk.format("GET", "/api/v1/accounts/" .. account .. "/entitlements/" .. feature .. "?credits=1",
    { ["Authorization"] = "Bearer " .. key })
end

done = report.done("entitlement")
