-- wrk script: the entitlement check as a backend makes it, with a pause after each answer
-- (a backend checks, then makes the model call). Run by Benchmarks/http/run-entitlement.sh; by hand:
--   TALLY_KEY=tly_… TALLY_PAUSE_MS=10 wrk -t2 -c64 -d15s --latency -s entitlement-paced.lua URL
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "entitlement.lua")
local pause = tonumber(os.getenv("TALLY_PAUSE_MS") or "10")

delay = function()
  return pause
end
