// The sample's page: polls the actuator and /api/activity once a second and renders them, and
// releases a lock by force as the operator.
'use strict';

const POLL_MILLIS = 1000;
const QUANTILES = [0.5, 0.95, 0.99];
// The cluster-wide view is read page by page; past this many pages the table says it is cut short.
const CLUSTER_PAGE_SIZE = 100;
const CLUSTER_PAGES = 10;

const state = { windowMillis: 10000, paused: false, activity: null };

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		node.setAttribute(name, value);
	}
	node.append(...children);
	return node;
}

function millis(ms) {
	if (ms < 1) return ms.toFixed(2) + ' ms';
	if (ms < 1000) return (ms < 10 ? ms.toFixed(1) : Math.round(ms)) + ' ms';
	return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
}

function isoDuration(text) {
	const match = /PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?/.exec(text || '');
	return match ? ((+match[1] || 0) * 3600 + (+match[2] || 0) * 60 + (+match[3] || 0)) * 1000 : 0;
}

function colour(instance) {
	let hash = 0;
	for (const c of instance) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
	return `hsl(${hash % 360} 65% 45%)`;
}

function fill(tbody, rows, columns, emptyText) {
	tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'none', colspan: columns }, emptyText))]));
}

async function json(url) {
	const response = await fetch(url, { cache: 'no-store' });
	if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
	return response.json();
}

// Held locks, waiters and this instance's role: /actuator/locks.
function renderLocks(locks, now) {
	fill($('#held tbody'), locks.held.map((lock) => el('tr', { 'data-key': lock.key },
		el('td', {}, lock.key), el('td', {}, String(lock.fencingToken)),
		el('td', {}, millis(now - Date.parse(lock.heldSince))), el('td', {}, millis(isoDuration(lock.leaseRemaining))),
		el('td', {}, String(lock.renewals)))), 5, 'none');
	fill($('#waiting tbody'), locks.waiting.map((wait) => el('tr', { 'data-key': wait.key },
		el('td', {}, wait.key), el('td', {}, String(wait.waiters)), el('td', {}, wait.heldHere ? 'yes' : 'no'))), 3, 'none');
	const election = locks.elections[0];
	$('#role').textContent = election ? `· ${election.role} of ${election.name}` : '';
}

// Every page of /actuator/locks?scope=cluster up to CLUSTER_PAGES, one entry per key (a page
// may repeat a key of an earlier one).
async function clusterLocks() {
	const byKey = new Map();
	let next = null;
	for (let page = 0; page < CLUSTER_PAGES; page++) {
		const cursor = next === null ? '' : `&cursor=${encodeURIComponent(next)}`;
		const body = await json(`actuator/locks?scope=cluster&limit=${CLUSTER_PAGE_SIZE}${cursor}`);
		body.locks.forEach((lock) => byKey.set(lock.key, lock));
		next = body.next ?? null;
		if (next === null) break;
	}
	return { locks: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)), complete: next === null };
}

function renderClusterLocks(cluster) {
	const rows = cluster.locks.map((lock) => el('tr', { 'data-key': lock.key },
		el('td', {}, lock.key), el('td', {}, lock.name ?? '–'), el('td', {}, lock.holder ?? '–'),
		el('td', {}, String(lock.fencingToken)), el('td', {}, millis(isoDuration(lock.remainingTtl))),
		el('td', {}, lock.holders > 1 ? `${lock.mode} ×${lock.holders}` : lock.mode), el('td', {}, String(lock.waiters)),
		el('td', {}, el('button', { type: 'button', class: 'danger', 'data-release': lock.key }, 'Release'))));
	if (!cluster.complete) {
		rows.push(el('tr', {}, el('td', { class: 'none', colspan: 8 },
			`first ${cluster.locks.length} locks shown (${CLUSTER_PAGES} pages), more are held`)));
	}
	fill($('#cluster tbody'), rows, 8, 'none');
}

function basicAuthorization(form) {
	// btoa takes Latin-1 only; Spring Security decodes Basic credentials as UTF-8.
	const bytes = new TextEncoder().encode(`${form.username.value}:${form.password.value}`);
	return 'Basic ' + btoa(String.fromCharCode(...bytes));
}

const RELEASE_OUTCOMES = {
	204: ['ok', 'released'],
	404: ['', 'nothing held'],
	401: ['bad', 'refused (401: operator name or password wrong or missing)'],
	403: ['bad', 'refused (403: not the operator)'],
};

// Releases a lock by force once confirmed, as the operator of the form. X-Requested-With makes
// Spring Security refuse without a WWW-Authenticate challenge, so the browser opens no login prompt.
async function release(key) {
	const outcome = $('#release-outcome');
	if (!window.confirm(`Release ${key}, whoever holds it? Its holder is not stopped: it learns that it lost`
		+ ' the lock at its next renewal, and the next holder gets a greater fencing token.')) {
		outcome.replaceChildren(`${key}: not released (cancelled)`);
		return;
	}
	try {
		const path = key.split('/').map(encodeURIComponent).join('/');
		const response = await fetch(`actuator/locks/${path}`, { method: 'DELETE', headers: {
			Authorization: basicAuthorization($('#operator')), 'X-Requested-With': 'XMLHttpRequest' } });
		const [style, text] = RELEASE_OUTCOMES[response.status] ?? ['bad', `failed (HTTP ${response.status})`];
		outcome.replaceChildren(`${key}: `, el('span', { class: style }, text));
	}
	catch (error) {
		outcome.replaceChildren(`${key}: `, el('span', { class: 'bad' }, `failed: ${error.message}`));
	}
	refresh();
}

// The leader as last reported by the @LeaderOnly heartbeat: /api/activity.
function renderLeader(activity) {
	const leader = activity.leader;
	const node = $('#leader');
	if (!leader) {
		node.textContent = 'leader: none reported yet';
		return;
	}
	const silent = activity.now - leader.seen;
	node.replaceChildren('leader ', el('b', {}, leader.instance),
		` · term ${leader.token} · for ${millis(activity.now - leader.since)}`,
		silent > 3 * POLL_MILLIS ? el('i', {}, ` · silent for ${millis(silent)}`) : '');
	node.dataset.instance = leader.instance;
}

// Pairs each ACQUIRED event with the RELEASED or LOST event of the same acquisition. A lock
// still held is drawn up to now, or up to the next acquisition of its key, which proves its
// lease ended by then (its holder may have died).
function spans(events, now) {
	const byAcquisition = new Map();
	for (const event of events) {
		const id = `${event.instance}\u0000${event.key}\u0000${event.token}`;
		if (event.type === 'ACQUIRED') {
			byAcquisition.set(id, { ...event, start: event.at, end: null, lost: false });
		}
		else if (byAcquisition.has(id)) {
			const span = byAcquisition.get(id);
			span.lost ||= event.type === 'LOST';
			span.end ??= event.at;
		}
	}
	const byKey = new Map();
	for (const span of byAcquisition.values()) {
		if (!byKey.has(span.key)) byKey.set(span.key, []);
		byKey.get(span.key).push(span);
	}
	for (const list of byKey.values()) {
		// Fencing tokens of a key grow with each acquisition: their order is the order of holders.
		list.sort((a, b) => a.token - b.token);
		list.forEach((span, i) => {
			span.open = span.end === null;
			if (span.open) span.end = i + 1 < list.length ? list[i + 1].start : now;
		});
	}
	return byKey;
}

// The witness the timeline is for: acquisitions of one key that started before an earlier holder
// (by fencing token) had released it.
function overlaps(list) {
	let count = 0;
	let latestEnd = -Infinity;
	for (const span of list) {
		if (span.start < latestEnd) count++;
		latestEnd = Math.max(latestEnd, span.end);
	}
	return count;
}

function renderTimeline(activity) {
	const now = activity.now;
	const from = now - state.windowMillis;
	const byKey = spans(activity.events, now);
	const instances = [...new Set(activity.events.map((event) => event.instance))].sort();
	$('#legend').replaceChildren(...instances.map((instance) =>
		el('span', {}, el('b', { style: `background:${colour(instance)}` }), instance)));
	const groups = [];
	for (const [key, list] of [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b))) {
		const visible = list.filter((span) => span.end >= from);
		if (!visible.length) continue;
		const clashes = overlaps(list);
		const lanes = instances.filter((instance) => visible.some((span) => span.instance === instance))
			.map((instance) => el('div', { class: 'lane', 'data-instance': instance }, el('span', {}, instance),
				el('div', { class: 'track' }, ...visible.filter((span) => span.instance === instance).map((span) => bar(span, from)))));
		groups.push(el('div', { class: 'group', 'data-key': key, 'data-overlaps': clashes },
			el('div', { class: 'title' }, el('b', {}, key), el('span', { class: clashes ? 'bad' : 'ok' },
				`acquisitions: ${list.length} · overlapping: ${clashes}`)),
			...lanes));
	}
	const axis = el('div', { class: 'axis' }, el('span'), el('div', {},
		el('span', {}, `−${millis(state.windowMillis)}`), el('span', {}, `−${millis(state.windowMillis / 2)}`), el('span', {}, 'now')));
	$('#timeline').replaceChildren(...(groups.length ? [...groups, axis] : [el('p', { class: 'empty' }, 'No lock taken in this window.')]));
}

function bar(span, from) {
	const left = Math.max(0, span.start - from) / state.windowMillis * 100;
	const width = (span.end - Math.max(span.start, from)) / state.windowMillis * 100;
	const classes = ['bar', span.open ? 'open' : '', span.lost ? 'lost' : ''].join(' ').trim();
	return el('div', {
		class: classes, style: `left:${left}%;width:${width}%;background:${colour(span.instance)}`,
		title: `${span.key} · ${span.instance} · token ${span.token} · ${millis(span.end - span.start)}`
			+ (span.open ? ' · still held or lease ended' : '') + (span.lost ? ' · LEASE LOST' : ''),
	});
}

// Prometheus text: one sample per line, "metric{label="value",...} number".
function parsePrometheus(text) {
	const samples = [];
	for (const line of text.split('\n')) {
		const match = /^(distlock_\w+)\{(.*)\} (\S+)$/.exec(line);
		if (!match) continue;
		const labels = {};
		for (const [, name, value] of match[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name] = value;
		samples.push({ metric: match[1], labels, value: Number(match[3]) });
	}
	return samples;
}

// A quantile from cumulative histogram buckets summed over outcomes, interpolated within its bucket
// as Prometheus' histogram_quantile does.
function quantile(buckets, q) {
	const total = buckets.length ? buckets[buckets.length - 1].count : 0;
	if (!total) return 0;
	const target = q * total;
	let previous = { le: 0, count: 0 };
	for (const bucket of buckets) {
		if (bucket.count >= target) {
			if (!Number.isFinite(bucket.le)) return previous.le;
			const share = bucket.count === previous.count ? 1 : (target - previous.count) / (bucket.count - previous.count);
			return previous.le + (bucket.le - previous.le) * share;
		}
		previous = bucket;
	}
	return previous.le;
}

function meterStats(samples) {
	const names = new Map();
	const of = (name) => names.get(name) ?? names.set(name, {
		requests: 0, contended: 0, timedOut: 0, rejected: 0, max: 0, heldCount: 0, heldSum: 0, lost: 0, buckets: new Map(),
	}).get(name);
	for (const { metric, labels, value } of samples) {
		const stats = of(labels.name);
		switch (metric) {
			case 'distlock_acquire_seconds_count':
				stats.requests += value;
				if (labels.contended === 'true') stats.contended += value;
				if (labels.outcome === 'timed_out') stats.timedOut += value;
				if (labels.outcome === 'rejected') stats.rejected += value;
				break;
			case 'distlock_acquire_seconds_bucket': {
				const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
				stats.buckets.set(le, (stats.buckets.get(le) ?? 0) + value);
				break;
			}
			case 'distlock_acquire_seconds_max': stats.max = Math.max(stats.max, value); break;
			case 'distlock_held_seconds_count': stats.heldCount += value; break;
			case 'distlock_held_seconds_sum': stats.heldSum += value; break;
			case 'distlock_lost_total': stats.lost = value; break;
			default: break;
		}
	}
	for (const name of [...names.keys()]) {
		if (!names.get(name).requests) names.delete(name);
	}
	return names;
}

function renderMeters(text) {
	const seconds = (value) => millis(value * 1000);
	const rows = [...meterStats(parsePrometheus(text)).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, stats]) => {
		const buckets = [...stats.buckets.entries()].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count }));
		return el('tr', { 'data-name': name },
			el('td', {}, name), el('td', {}, String(stats.requests)),
			el('td', {}, `${Math.round(100 * stats.contended / stats.requests)} %`),
			el('td', {}, `${stats.timedOut} / ${stats.rejected}`),
			// A quantile interpolated within its bucket can exceed the largest wait seen.
			...QUANTILES.map((q) => el('td', {}, seconds(Math.min(quantile(buckets, q), stats.max)))),
			el('td', {}, seconds(stats.max)),
			el('td', {}, stats.heldCount ? seconds(stats.heldSum / stats.heldCount) : '–'),
			el('td', { class: stats.lost ? 'bad' : '' }, String(stats.lost)));
	});
	fill($('#meters tbody'), rows, 10, 'no lock requested yet');
}

async function refresh() {
	try {
		const [locks, cluster, activity, prometheus] = await Promise.all([json('actuator/locks'), clusterLocks(),
			json('api/activity'), fetch('actuator/prometheus', { cache: 'no-store' }).then((response) => response.text())]);
		$('#instance').textContent = activity.instance;
		renderLocks(locks, activity.now);
		renderClusterLocks(cluster);
		renderLeader(activity);
		renderMeters(prometheus);
		state.activity = activity;
		if (!state.paused) renderTimeline(activity);
		$('#status').textContent = `updated ${new Date().toLocaleTimeString()}`
			+ (activity.dropped ? ` · ${activity.dropped} events dropped` : '');
	}
	catch (error) {
		$('#status').textContent = `cannot reach the app: ${error.message}`;
	}
}

async function runLoad(event) {
	event.preventDefault();
	const form = event.target;
	const guarded = event.submitter.value;
	const parameters = new URLSearchParams(new FormData(form));
	parameters.set('guarded', guarded);
	const buttons = form.querySelectorAll('button');
	buttons.forEach((button) => { button.disabled = true; });
	const item = el('li', {}, `${guarded === 'true' ? 'with' : 'without'} the lock: running…`);
	$('#reports').prepend(item);
	try {
		const response = await fetch(`api/load?${parameters}`, { method: 'POST' });
		const report = await response.json();
		if (!response.ok) throw new Error(report.detail || `HTTP ${response.status}`);
		item.replaceChildren(`${report.guarded ? 'With' : 'Without'} the lock: ${report.succeeded} of ${report.requested} reserved, `
			+ `stock ${report.initialStock} → ${report.finalStock}, `, el('span', { class: report.oversold ? 'bad' : 'ok' },
			`${report.oversold} oversold`), ` · ${report.failed} failed · ${millis(report.elapsedMillis)}`);
	}
	catch (error) {
		item.replaceChildren(el('span', { class: 'bad' }, `load failed: ${error.message}`));
	}
	finally {
		buttons.forEach((button) => { button.disabled = false; });
		$('#reports').replaceChildren(...[...$('#reports').children].slice(0, 4));
	}
}

document.querySelectorAll('[data-window]').forEach((button) => button.addEventListener('click', () => {
	state.windowMillis = Number(button.dataset.window);
	document.querySelectorAll('[data-window]').forEach((other) => other.classList.toggle('selected', other === button));
	if (state.activity) renderTimeline(state.activity);
}));
$('#pause').addEventListener('click', () => {
	state.paused = !state.paused;
	$('#pause').textContent = state.paused ? 'resume' : 'pause';
	$('#pause').classList.toggle('selected', state.paused);
});
$('#load').addEventListener('submit', runLoad);
$('#operator').addEventListener('submit', (event) => event.preventDefault());
$('#cluster tbody').addEventListener('click', (event) => {
	const button = event.target.closest('button[data-release]');
	if (button) release(button.dataset.release);
});
refresh();
setInterval(refresh, POLL_MILLIS);
