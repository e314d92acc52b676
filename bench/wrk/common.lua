-- Shared by the scenario scripts: the seeded ids, request builders and the one result line
-- bench/run.sh parses. BENCH_DATA is the folder the seeder wrote; BENCH_RUN makes usernames
-- unique across runs; deletes take BENCH_CREDENTIALS ("customer credential" lines, the ones the
-- load created), the part BENCH_SLICE of BENCH_SLICES, so that no two runs delete the same one.
local data = os.getenv("BENCH_DATA")
local credentialsFile = os.getenv("BENCH_CREDENTIALS") or (data .. "/credentials.txt")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local slice = tonumber(os.getenv("BENCH_SLICE") or "0")
local slices = tonumber(os.getenv("BENCH_SLICES") or "1")
local base = "/v4/orgs/bench/customers/"
local roles = { ["x-auth-roles"] = "API_KEY" }
local json = { ["x-auth-roles"] = "API_KEY", ["Content-Type"] = "application/json" }

local function lines(path)
  local all = {}
  for line in io.lines(path) do all[#all + 1] = line end
  return all
end

local customers = lines(data .. "/customers.txt")
local credentials = {}
do
  local all = lines(credentialsFile)
  local size = math.floor(#all / slices)
  for i = slice * size + 1, (slice + 1) * size do credentials[#credentials + 1] = all[i] end
end
math.randomseed(os.time())
local created, deleted = 0, 0

function list_request()
  return wrk.format("GET", base .. customers[math.random(#customers)] .. "/credentials", roles)
end

function create_request()
  created = created + 1
  local body = string.format('{"username":"load-%s-%d@bench.example.com"}', run, created)
  return wrk.format("POST", base .. customers[math.random(#customers)] .. "/credentials", json, body)
end

-- Each credential once; past the end of the slice the ids repeat and answer 404 (counted as non-2xx).
function delete_request()
  if #credentials == 0 then return list_request() end -- Nothing left to delete (a short smoke run).
  deleted = deleted % #credentials + 1
  local customer, credential = credentials[deleted]:match("(%S+) (%S+)")
  return wrk.format("DELETE", base .. customer .. "/credentials/" .. credential, roles)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / summary.duration * 1e6, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
