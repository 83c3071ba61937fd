-- wrk script: the staff overview (/admin) for this month, as a signed-in admin.
-- Usage: Benchmarks/http/overview.sh (signs in, then runs wrk with this script), or
--        TALLY_COOKIE='tally_session=…' wrk -t2 -c16 -d15s --latency -s overview.lua http://127.0.0.1:8080
local cookie = os.getenv("TALLY_COOKIE")
local path = os.getenv("OVERVIEW_PATH") or "/admin"

request = function()
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("overview: %d requests, %d not 200, %.0f req/s, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, non200, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
