-- Frees the lock whoever holds it, for an operator, and tells waiters of every process as a
-- release does. An evicted owner is kept in x, so that its next renewal can tell it was evicted,
-- and f stays, so the next token exceeds the evicted holder's. Shares and permits (see
-- acquire_shared.lua) all go; their holders learn at their next renewal that they hold nothing.
-- KEYS[1]  the lock (see acquire.lua); its name is also the notification channel
-- ARGV[1]  notification command: PUBLISH, or SPUBLISH on a cluster
-- Returns {} when nothing holds the lock, else {fencing token, remaining lease in ms, processes
-- waiting, holding process, lock name, evicted owner, 's' or 'p' for shares or permits else '',
-- holders}, holder and name '' when not recorded; of shares and permits, the owner of the one
-- taken last.
local key = KEYS[1]
local function hdelAll(key, fields)
  -- In chunks: Lua unpacks at most a few thousand values at once.
  for i = 1, #fields, 1000 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 999, #fields)))
  end
end
local fields = redis.call('HGETALL', key)
local owner, token, holder, name, waiters = false, 0, '', '', 0
local shares, kind, latestToken, latestOwner = {}, '', 0, ''
for i = 1, #fields, 2 do
  local field = fields[i]
  local prefix = string.sub(field, 1, 2)
  if field == 'o' then
    owner = fields[i + 1]
  elseif field == 'f' then
    token = tonumber(fields[i + 1])
  elseif field == 'h' then
    holder = fields[i + 1]
  elseif field == 'n' then
    name = fields[i + 1]
  elseif prefix == 'w:' then
    waiters = waiters + 1
  elseif prefix == 's:' or prefix == 'p:' then
    shares[#shares + 1] = field
    kind = string.sub(prefix, 1, 1)
    local shareToken = tonumber(string.match(fields[i + 1], ':(%d+)$'))
    if shareToken >= latestToken then
      latestToken, latestOwner = shareToken, string.sub(field, 3)
    end
  end
end
if owner == false and #shares == 0 then
  return {}
end
local remaining = redis.call('PTTL', key)
if owner then
  redis.call('HDEL', key, 'o', 'h', 'n')
  redis.call('HSET', key, 'x', owner)
else
  redis.call('HDEL', key, 'c', 'k', 'W', 'n')
  hdelAll(key, shares)
  owner = latestOwner
end
redis.call(ARGV[1], key, 'released')
return {token, math.max(remaining, 0), waiters, holder, name, owner, kind, math.max(#shares, 1)}
