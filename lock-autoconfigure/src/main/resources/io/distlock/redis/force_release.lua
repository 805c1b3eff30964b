-- Frees the lock whoever holds it, for an operator, and tells waiters of every process as a
-- release does. The evicted owner is kept in x, so that its next renewal can tell it was evicted,
-- and f stays, so the next token exceeds the evicted holder's.
-- KEYS[1]  the lock (see acquire.lua); its name is also the notification channel
-- ARGV[1]  notification command: PUBLISH, or SPUBLISH on a cluster
-- Returns {} when no owner holds the lock, else {fencing token, remaining lease in ms, processes
-- waiting, holding process, lock name, evicted owner}, holder and name '' when not recorded.
local key = KEYS[1]
local fields = redis.call('HGETALL', key)
local owner, token, holder, name, waiters = false, 0, '', '', 0
for i = 1, #fields, 2 do
  local field = fields[i]
  if field == 'o' then
    owner = fields[i + 1]
  elseif field == 'f' then
    token = tonumber(fields[i + 1])
  elseif field == 'h' then
    holder = fields[i + 1]
  elseif field == 'n' then
    name = fields[i + 1]
  elseif string.sub(field, 1, 2) == 'w:' then
    waiters = waiters + 1
  end
end
if owner == false then
  return {}
end
local remaining = redis.call('PTTL', key)
redis.call('HDEL', key, 'o', 'h', 'n')
redis.call('HSET', key, 'x', owner)
redis.call(ARGV[1], key, 'released')
return {token, math.max(remaining, 0), waiters, holder, name, owner}
