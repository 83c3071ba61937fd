-- wrk script: the staff overview (/admin, or OVERVIEW_PATH) as a signed-in admin.
-- Run by Benchmarks/http/overview.sh, which seeds the demo and signs the admin in; by hand:
--   TALLY_COOKIE='tally_session=…' wrk -t2 -c16 -d15s --latency -s overview.lua http://127.0.0.1:8089
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local cookie = os.getenv("TALLY_COOKIE")
local path = os.getenv("OVERVIEW_PATH") or "/admin"

request = function()
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

done = report.done("overview")
