dofile(os.getenv("BENCH_WRK") .. "/common.lua")
request = delete_request
