-- Withdraws the calling process's waiter mark once it no longer waits for the lock, so the
-- holder's release neither reserves the lock for it nor notifies it, and gives up a reservation
-- made for it. A hash left empty is deleted by Redis.
-- KEYS[1]  the lock (see acquire.lua)
-- ARGV[1]  id of the calling process
-- Returns the number of marks removed (0 or 1).
if redis.call('HGET', KEYS[1], 'r') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'r')
end
return redis.call('HDEL', KEYS[1], 'w:' .. ARGV[1])
