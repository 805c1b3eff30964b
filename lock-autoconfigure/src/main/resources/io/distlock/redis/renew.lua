-- Sets the lease of a lock the owner holds.
-- KEYS[1]  the lock (see acquire.lua; x = owner an operator evicted, see force_release.lua)
-- ARGV[1]  owner token
-- ARGV[2]  new lease in ms
-- Returns 1 when renewed, -1 when an operator evicted the owner, 0 when the owner does not hold
-- the lock otherwise.
local state = redis.call('HMGET', KEYS[1], 'o', 'x')
if state[1] == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if state[2] == ARGV[1] then
  return -1
end
return 0
