-- The one summary line every HTTP benchmark prints at the end of a wrk run, errors included:
--   NAME: 265640 requests in 20.0 s, 13282 req/s, p50 4.46 ms, p99 10.57 ms; errors 0 (HTTP 4xx/5xx 0, connect 0, read 0, write 0, timeout 0)
-- NAME is $TALLY_BENCH_LABEL when set (common.sh sets it), else the script's own name. wrk counts
-- statuses of 400 and above as errors, not 3xx: the scripts with sessions check their pages answer
-- 200 before and after the run instead. A wrk script loads it from its own folder with
--   local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
--   done = report.done("entitlement")             -- or report.done("ingest", 1000, "events")
local M = {}

-- A wrk done() for NAME; each request carries PER_REQUEST items of UNIT (default 1 req).
function M.done(name, per_request, unit)
  per_request = per_request or 1
  local label = os.getenv("TALLY_BENCH_LABEL") or name
  return function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    local errors = e.status + e.connect + e.read + e.write + e.timeout
    local count = per_request == 1 and string.format("%d requests", summary.requests)
      or string.format("%d requests of %d %s", summary.requests, per_request, unit)
    io.write(string.format(
      "%s: %s in %.1f s, %.0f %s/s, p50 %.2f ms, p99 %.2f ms; errors %d (HTTP 4xx/5xx %d, connect %d, read %d, write %d, timeout %d)\n",
      label, count, seconds, summary.requests * per_request / seconds, unit or "req",
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      errors, e.status, e.connect, e.read, e.write, e.timeout))
  end
end

return M
