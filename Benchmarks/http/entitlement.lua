-- wrk script: the entitlement check for a rotating account and feature.
-- Usage: TALLY_KEY=tly_… wrk -t2 -c64 -d15s --latency -s entitlement.lua http://127.0.0.1:8080
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

done = function(summary, latency, requests)
  io.write(string.format("entitlement: %d requests, %d errors (status %d), %.0f req/s, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
