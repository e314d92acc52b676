dofile(os.getenv("BENCH_WRK") .. "/common.lua")

-- The 90/8/2 mix of a login-heavy day: list, create, delete.
function request()
  local roll = math.random(100)
  if roll <= 90 then return list_request() end
  if roll <= 98 then return create_request() end
  return delete_request()
end
