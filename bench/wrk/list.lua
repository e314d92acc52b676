dofile(os.getenv("BENCH_WRK") .. "/common.lua")
request = list_request
