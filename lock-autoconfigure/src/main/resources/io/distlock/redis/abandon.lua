-- Withdraws the calling process's waiter mark once it no longer waits for the lock, so the
-- holder's release neither reserves the lock for it nor notifies it, and gives up a reservation
-- made for it. When no other process's mutex request waits any more, new shares and permits are
-- no longer held back (W, see acquire.lua), and those waiting hear of it. A hash left empty is
-- deleted by Redis.
-- KEYS[1]  the lock (see acquire.lua)
-- ARGV[1]  id of the calling process
-- ARGV[2]  notification command: PUBLISH, or SPUBLISH on a cluster
-- Returns the number of marks removed (0 or 1).
local key = KEYS[1]
if redis.call('HGET', key, 'r') == ARGV[1] then
  redis.call('HDEL', key, 'r')
end
local removed = redis.call('HDEL', key, 'w:' .. ARGV[1])
if removed == 1 and redis.call('HEXISTS', key, 'W') == 1 then
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'w:' then
      return removed
    end
  end
  redis.call('HDEL', key, 'W')
  redis.call(ARGV[2], key, 'released')
end
return removed
