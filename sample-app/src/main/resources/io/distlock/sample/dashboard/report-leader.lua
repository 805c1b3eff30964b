-- Records the leader in a hash, fenced: a report from an older term than the one recorded is refused.
-- KEYS[1]: the leader hash; ARGV[1]: fencing token of the term, ARGV[2]: instance id,
-- ARGV[3]: now in epoch milliseconds. Returns 1 when recorded, 0 when refused.
local recorded = tonumber(redis.call('HGET', KEYS[1], 'token') or '-1')
local token = tonumber(ARGV[1])
if token < recorded then
	return 0
end
if token > recorded then
	redis.call('HSET', KEYS[1], 'since', ARGV[3])
end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'instance', ARGV[2], 'seen', ARGV[3])
return 1
