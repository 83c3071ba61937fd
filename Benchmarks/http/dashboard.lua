-- wrk script: GET / (the customer dashboard) as signed-in demo members.
-- Usage: TALLY_COOKIES='tally_session=…,tally_session=…' wrk -t2 -c64 -d15s --latency -s dashboard.lua http://127.0.0.1:8080
-- (Benchmarks/http/dashboard.sh seeds the demo, signs the sessions in and runs this.)
-- Requests rotate over the sessions: every request touches its session row (last seen), so one
-- shared session would measure row-lock waits on that row rather than the page.
local cookies = {}
for cookie in string.gmatch(os.getenv("TALLY_COOKIES") or "", "[^,]+") do
  table.insert(cookies, cookie)
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", "/", { ["Cookie"] = cookies[(counter % #cookies) + 1] })
end

done = function(summary, latency, requests)
  io.write(string.format("dashboard: %d requests, %d non-2xx, %.0f req/s, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
