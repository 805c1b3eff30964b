-- Takes a share (SHARED) or a permit (EXCLUSIVE with permits) of the lock for an owner, or
-- reports how long it stays unavailable. Each holder is a field of the lock's hash (see
-- acquire.lua): s:<owner> for a share, p:<owner> for a permit, valued '<until>:<token>', the
-- server ms its lease runs until and its fencing token; c counts those fields. The key's own
-- expiry is the latest holder's, so a lock whose holders all died ends by itself. A holder
-- whose lease ran out counts no more and is removed by the next script to read every holder.
-- k = the kind ('s' or 'p') of the latest holder granted.
-- A share is refused while a mutex holds the lock, a permit holder holds it, the free lock is
-- reserved for a process, or W (the server ms until which a mutex request waits behind shares,
-- see acquire.lua) has not passed; a permit likewise, with the kinds swapped, and while as many
-- permits are held as the caller allows. A refused caller sets v, the server ms until which
-- shares or permits wait, so that releases notify them.
-- KEYS[1]  the lock
-- KEYS[2]  the fencing floor of the lock's hash slot (see acquire.lua), or absent
-- ARGV[1]  owner token of this acquisition
-- ARGV[2]  lease in ms
-- ARGV[3]  's' for a share, 'p' for a permit
-- ARGV[4]  how many permits the lock has (ignored for a share)
-- ARGV[5]  how long (ms) the caller may still wait
-- ARGV[6]  the lock's name
-- Returns the fencing token (> 0) when acquired, else -1 - (ms until it may be available).
local key = KEYS[1]
local function hdelAll(key, fields)
  -- In chunks: Lua unpacks at most a few thousand values at once.
  for i = 1, #fields, 1000 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 999, #fields)))
  end
end
local kind = ARGV[3]
local ownField = kind .. ':' .. ARGV[1]
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
local nowMillis = math.floor(nowMicros / 1000)
local ttl = tonumber(ARGV[2])
local function extendKey()
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
end
local function grant(last, count)
  local floor = KEYS[2] and tonumber(redis.call('GET', KEYS[2]) or '0') or 0
  local token = string.format('%.0f', math.max(floor + 1, last + 1, nowMicros))
  if KEYS[2] then
    redis.call('SET', KEYS[2], token)
  end
  redis.call('HSET', key, ownField, string.format('%.0f', nowMillis + ttl) .. ':' .. token, 'f', token,
    'c', count, 'k', kind, 'n', ARGV[6])
  extendKey()
  return tonumber(token)
end
-- Without reading every holder: k is the kind of the latest grant, so while c holders are
-- counted and k is this kind, every live holder is of this kind (c counts the stale ones too).
local quick = redis.call('HMGET', key, 'o', 'r', 'W', 'c', 'k', 'f', ownField)
local count = tonumber(quick[4] or '0')
if quick[1] == false and quick[2] == false and tonumber(quick[3] or '0') <= nowMillis and quick[7] == false
    and (count == 0 or (quick[5] == kind and (kind == 's' or count < tonumber(ARGV[4])))) then
  return grant(tonumber(quick[6] or '0'), count + 1)
end
local fields = redis.call('HGETALL', key)
local owner, last, reserved, writerUntil, waitUntil = false, 0, false, 0, 0
local ownToken, sameKind, otherKind, entries, earliest = false, 0, 0, 0, false
local stale = {}
for i = 1, #fields, 2 do
  local field, value = fields[i], fields[i + 1]
  local prefix = string.sub(field, 1, 2)
  if field == 'o' then
    owner = value
  elseif field == 'f' then
    last = tonumber(value)
  elseif field == 'r' then
    reserved = value
  elseif field == 'W' then
    writerUntil = tonumber(value)
  elseif field == 'v' then
    waitUntil = tonumber(value)
  elseif prefix == 's:' or prefix == 'p:' then
    entries = entries + 1
    local untilMillis, token = string.match(value, '^(%d+):(%d+)$')
    untilMillis = tonumber(untilMillis)
    if untilMillis <= nowMillis then
      stale[#stale + 1] = field
    elseif field == ownField then
      ownToken = token
    else
      if string.sub(prefix, 1, 1) == kind then
        sameKind = sameKind + 1
      else
        otherKind = otherKind + 1
      end
      if earliest == false or untilMillis < earliest then
        earliest = untilMillis
      end
    end
  end
end
if #stale > 0 then
  hdelAll(key, stale)
  entries = entries - #stale
  if entries > 0 then
    redis.call('HSET', key, 'c', entries)
  else
    redis.call('HDEL', key, 'c')
  end
end
if ownToken then
  -- The same owner again: a fresh lease, the same token.
  redis.call('HSET', key, ownField, string.format('%.0f', nowMillis + ttl) .. ':' .. ownToken)
  extendKey()
  return tonumber(ownToken)
end
local full = (kind == 'p') and sameKind >= tonumber(ARGV[4])
if owner == false and reserved == false and otherKind == 0 and writerUntil <= nowMillis and not full then
  return grant(last, entries + 1)
end
local waitEnd = nowMillis + tonumber(ARGV[5])
if waitEnd > waitUntil then
  redis.call('HSET', key, 'v', string.format('%.0f', waitEnd))
end
local hint = redis.call('PTTL', key)
if owner == false and reserved == false and earliest and (otherKind > 0 or full) and writerUntil <= nowMillis then
  -- Held by shares or permits only: the first of them may end sooner than the key.
  hint = earliest - nowMillis
elseif owner == false and reserved == false and writerUntil > nowMillis then
  hint = math.min(hint, writerUntil - nowMillis)
end
return -1 - math.max(hint, 1)
