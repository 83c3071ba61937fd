-- wrk script: GET / (the customer dashboard) as a signed-in demo member.
-- Usage: TALLY_COOKIE='tally_session=…' wrk -t2 -c64 -d15s --latency -s dashboard.lua http://127.0.0.1:8080
-- (Benchmarks/http/dashboard.sh seeds the demo, signs in and runs this.)
local cookie = os.getenv("TALLY_COOKIE")

request = function()
  return wrk.format("GET", "/", { ["Cookie"] = cookie })
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("dashboard answered " .. status .. " (is the session still valid?)\n")
  end
end

done = function(summary, latency, requests)
  io.write(string.format("dashboard: %d requests, %d non-2xx, %.0f req/s, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
