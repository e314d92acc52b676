dofile(os.getenv("BENCH_WRK") .. "/common.lua")
request = create_request
