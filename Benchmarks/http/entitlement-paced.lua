-- wrk script: the entitlement check as a backend makes it, with a pause after each answer
-- (a backend checks, then makes the model call). Run from the repository root.
-- Usage: TALLY_KEY=tly_… TALLY_PAUSE_MS=10 wrk -t2 -c64 -d15s --latency -s Benchmarks/http/entitlement-paced.lua URL
dofile("Benchmarks/http/entitlement.lua")
local pause = tonumber(os.getenv("TALLY_PAUSE_MS") or "10")

delay = function()
  return pause
end
