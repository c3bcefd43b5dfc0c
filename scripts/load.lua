-- wrk script for scripts/load.sh: POSTs the GraphQL bodies of a file
-- (one "<name>\t<json>" per line, from bench/workload/cmd/bodies) in turn,
-- and counts errors: non-200 responses and responses carrying "errors".
--   wrk -s scripts/load.lua <url> -- bodies.tsv
local bodies = {}
local counter = 0
local errors = 0
local threads = {}

function init(args)
	local path = args[1] or "bodies.tsv"
	for line in io.lines(path) do
		local tab = line:find("\t", 1, true)
		if tab then
			bodies[#bodies + 1] = line:sub(tab + 1)
		end
	end
	if #bodies == 0 then
		error("no bodies in " .. path)
	end
	counter = math.random(#bodies) - 1
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function setup(thread)
	threads[#threads + 1] = thread
end

function request()
	counter = counter + 1
	return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end

function response(status, headers, body)
	if status ~= 200 or body:find('"errors"', 1, true) then
		errors = errors + 1
		if errors <= 3 then
			io.stderr:write("load.lua: HTTP " .. status .. ": " .. body:sub(1, 300) .. "\n")
		end
	end
end

function done(summary, latency, requests)
	local errs = 0
	for _, t in ipairs(threads) do
		errs = errs + (t:get("errors") or 0)
	end
	local e = summary.errors
	local sockerr = e.connect + e.read + e.write + e.timeout
	io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d status_errors=%d socket_errors=%d\n",
		summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		errs + sockerr + e.status, e.status, sockerr))
end
