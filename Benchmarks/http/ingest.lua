-- wrk script: POST /api/v1/events with batches of 1,000 new events (ids never repeat).
-- Run by Benchmarks/http/run-ingest.sh; by hand:
--   TALLY_KEY=tly_… wrk -t2 -c16 -d20s -s ingest.lua http://127.0.0.1:8089
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local key = os.getenv("TALLY_KEY")
local run = os.getenv("RUN_ID") or tostring(os.time())
local features = { "chat", "summarize", "translate", "search", "extract", "classify" }
local models = { "gpt-4o-mini", "gpt-4o", "claude-haiku", "claude-sonnet-4" }
local thread_id = 0
local counter = 0

setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 1000 do
    local n = counter * 1000 + i
    parts[i] = string.format(
      '{"id":"b%s-%d-%d","account":"demo-%03d","feature":"%s","model":"%s","input_tokens":%d,"output_tokens":%d}',
      run, tid, n, (n % 50) + 1, features[(n % #features) + 1], models[(n % #models) + 1], 500 + n % 700, 50 + n % 300)
  end
  local body = '{"events":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/v1/events",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end

done = report.done("ingest", 1000, "events")
