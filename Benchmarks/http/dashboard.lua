-- wrk script: GET / (the customer dashboard) as signed-in demo members.
-- Run by Benchmarks/http/dashboard.sh, which seeds the demo and signs the sessions in; by hand:
--   TALLY_COOKIES='tally_session=…,tally_session=…' wrk -t2 -c64 -d15s --latency -s dashboard.lua http://127.0.0.1:8089
-- Requests rotate over the sessions: every request touches its session row (last seen), so one
-- shared session would measure row-lock waits on that row rather than the page.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local cookies = {}
for cookie in string.gmatch(os.getenv("TALLY_COOKIES") or "", "[^,]+") do
  table.insert(cookies, cookie)
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", "/", { ["Cookie"] = cookies[(counter % #cookies) + 1] })
end

done = report.done("dashboard")
