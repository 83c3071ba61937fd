-- wrk script: GET the URL as given (Benchmarks/http/common.sh points it at /healthz, a route that
-- does nothing) and print the shared summary line. Usage: wrk -t2 -c64 -d15s --latency -s healthz.lua URL/healthz
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

done = report.done("healthz")
