-- Sets the lease of a lock the owner holds.
-- KEYS[1]  the lock (see acquire.lua)
-- ARGV[1]  owner token
-- ARGV[2]  new lease in ms
-- Returns 1 when renewed, 0 when the owner does not hold the lock.
if redis.call('HGET', KEYS[1], 'o') == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
