// wirestream newsroom dashboard: the page's own script, plain JavaScript
// served by the dashboard binary (no build step, nothing from elsewhere).
// Story text is untrusted: every string reaches the page through
// textContent or attribute setters, never as markup.
'use strict';

(function () {
  const FILTERS = ['q', 'topic', 'country', 'region', 'source', 'language', 'rule'];
  const MAX_SHOWN = 500;
  const HOUR_MS = 3600 * 1000;
  const state = {
    filters: {},
    total: 0,
    storyOpen: null,
    sound: false,
    wall: false,
    seen: { topics: new Map(), countries: new Map(), regions: new Map(),
            sources: new Map(), languages: new Map(), rules: new Map() },
    countsTimer: null,
    source: null,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- URL state -------------------------------------------------------
  function readUrl() {
    const params = new URLSearchParams(location.search);
    state.filters = {};
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value) state.filters[name] = value;
    }
    state.storyOpen = params.get('story');
    state.wall = params.get('wall') === '1';
  }

  function writeUrl(push) {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (state.filters[name]) params.set(name, state.filters[name]);
    if (state.wall) params.set('wall', '1');
    if (state.storyOpen) params.set('story', state.storyOpen);
    const query = params.toString();
    const url = location.pathname + (query ? '?' + query : '');
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  }

  function filterQuery(extra) {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (state.filters[name]) params.set(name, state.filters[name]);
    for (const [key, value] of Object.entries(extra || {})) params.set(key, value);
    return params.toString();
  }

  async function api(path) {
    const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  // ---- matching live stories against the filters (as the server does) ----
  function matches(story) {
    const f = state.filters;
    if (f.language && (story.language || '').toLowerCase() !== f.language.toLowerCase()) return false;
    if (f.source && story.source !== f.source && story.provider !== f.source) return false;
    if (f.topic && !story.topics.some((t) => t.code === f.topic || t.label === f.topic)) return false;
    if (f.country && !story.countries.some((c) => c.code === f.country.toUpperCase())) return false;
    if (f.region && !story.regions.some((r) => r.code === f.region || r.name === f.region)) return false;
    if (f.rule && !story.alerts.some((a) => a.rule_id === f.rule)) return false;
    if (f.q) {
      const headline = (story.headline || '').toLocaleLowerCase();
      for (const word of f.q.toLocaleLowerCase().split(/\s+/)) {
        if (word && !headline.includes(word)) return false;
      }
    }
    return true;
  }

  function remember(story) {
    const s = state.seen;
    for (const t of story.topics) s.topics.set(t.code, t.label);
    for (const c of story.countries) s.countries.set(c.code, c.name);
    for (const r of story.regions) s.regions.set(r.name, r.code);
    if (story.source) s.sources.set(story.source, '');
    if (story.provider) s.sources.set(story.provider, '');
    if (story.language) s.languages.set(story.language, '');
    for (const a of story.alerts) s.rules.set(a.rule_id, a.rule_name);
  }

  function fillDatalists() {
    const pairs = [['topics-seen', 'topics'], ['countries-seen', 'countries'],
      ['regions-seen', 'regions'], ['sources-seen', 'sources'],
      ['languages-seen', 'languages'], ['rules-seen', 'rules']];
    for (const [id, key] of pairs) {
      const list = $(id);
      list.replaceChildren();
      for (const [value, label] of state.seen[key]) {
        list.append(el('option', { value: value, label: label || undefined }));
      }
    }
  }

  // ---- the stream --------------------------------------------------------
  // Formatters made once: making one per row costs more than the row.
  const HOUR_MINUTE = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const DAY = new Intl.DateTimeFormat([], { year: 'numeric', month: '2-digit', day: '2-digit' });

  function timeText(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    const hm = HOUR_MINUTE.format(d);
    const day = DAY.format(d);
    return day === DAY.format(new Date()) ? hm : day + ' ' + hm;
  }

  function storyLink(id) {
    const params = new URLSearchParams(location.search);
    params.set('story', id);
    return location.pathname + '?' + params.toString();
  }

  function storyItem(s) {
    const alerted = s.alerts.filter((a) => !a.suppressed);
    const worst = alerted.some((a) => a.severity === 'critical') ? 'critical'
      : alerted.some((a) => a.severity === 'warning') ? 'warning' : alerted.length ? 'info' : '';
    const classes = ['story'];
    if (s.killed) classes.push('killed');
    if (s.alerts.length) classes.push('alerted');
    if (worst === 'warning') classes.push('warning');
    const item = el('li', { class: classes.join(' '), 'data-id': s.id, 'data-cluster': s.cluster_id,
      'data-kind': s.kind, 'data-arrived': s.arrived });

    const meta = el('div', { class: 'meta' },
      el('time', { datetime: s.time || s.arrived, text: timeText(s.time || s.arrived) }),
      el('span', { class: 'source', text: s.provider && s.provider !== s.source
        ? s.source + ' · ' + s.provider : s.source }),
      s.language ? el('span', { text: s.language }) : null,
      el('span', { class: 'cluster', text: s.cluster_sources > 1 ? s.cluster_sources + ' sources'
        : s.cluster_stories > 1 ? s.cluster_stories + ' versions' : '1 source' }));
    if (s.kind === 'UPDATE') meta.append(el('span', { class: 'badge update', text: 'UPDATE v' + s.version }));
    if (s.updated) meta.append(el('span', { class: 'badge update', text: 'updated since' }));
    if (s.killed) meta.append(el('span', { class: 'badge kill', text: 'KILLED' }));
    for (const a of s.alerts) {
      meta.append(el('span', {
        class: 'badge ' + a.severity + (a.suppressed ? ' suppressed' : ''),
        title: a.suppressed ? 'already alerted for this cluster' : 'alert raised',
        text: (a.suppressed ? '' : '⚑ ') + (a.rule_name || a.rule_id),
      }));
    }
    const headline = el('a', { class: 'headline', href: storyLink(s.id), text: s.headline || '(no headline)' });
    headline.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      openStory(s.id, true);
    });
    const tags = el('div', { class: 'tags' });
    s.topics.forEach((t, i) => tags.append(el('span', {
      class: 'tag topic' + (t.primary || i === 0 ? ' primary' : ''), title: t.code, text: t.label || t.code })));
    for (const c of s.countries) tags.append(el('span', { class: 'tag country', title: c.name, text: c.code }));
    const regions = s.regions.filter((r) => r.level === 'subregion').map((r) => r.name);
    if (regions.length) tags.append(el('span', { class: 'tag region', text: regions.join(', ') }));
    item.append(meta, headline, tags);
    return item;
  }

  function showTotal() {
    const shown = $('stories').children.length;
    $('total').textContent = state.total > shown ? '(' + shown + ' of ' + state.total + ')' : '(' + state.total + ')';
  }

  // The rows on the page by story id and by cluster, so that live updates
  // never search the list.
  const rows = new Map();
  const clusters = new Map();

  function track(item) {
    rows.set(item.dataset.id, item);
    let members = clusters.get(item.dataset.cluster);
    if (!members) clusters.set(item.dataset.cluster, (members = new Set()));
    members.add(item);
  }

  function untrack(item) {
    if (rows.get(item.dataset.id) === item) rows.delete(item.dataset.id);
    const members = clusters.get(item.dataset.cluster);
    if (members) {
      members.delete(item);
      if (!members.size) clusters.delete(item.dataset.cluster);
    }
  }

  function renderStories(list, total) {
    const ol = $('stories');
    state.total = total;
    const items = list.map(storyItem);
    rows.clear();
    clusters.clear();
    items.forEach(track);
    ol.replaceChildren(...items);
    showTotal();
    $('empty').hidden = list.length > 0;
  }

  // Live stories are put on the page once a frame, all that came in it
  // together: at a thousand stories a second the page does one DOM update
  // per frame, not one per story.
  const pending = [];
  let flushScheduled = false;

  function addLiveStory(s) {
    pending.push(s);
    if (flushScheduled) return;
    flushScheduled = true;
    if (document.hidden) setTimeout(flushLive, 250); else requestAnimationFrame(flushLive);
  }

  function flushLive() {
    flushScheduled = false;
    const batch = pending.splice(0, pending.length);
    const ol = $('stories');
    const added = new Map();
    // Records of several partitions come interleaved: each goes in its
    // place by arrival time, newest first.
    batch.sort((a, b) => (a.arrived < b.arrived ? -1 : a.arrived > b.arrived ? 1 : 0));
    // A flood (more than a screen a frame) is not animated.
    const animate = batch.length <= 10;
    for (const s of batch) {
      remember(s);
      // A kill strikes through every story of its cluster; a new member
      // updates the cluster's count on the others.
      for (const other of clusters.get(s.cluster_id) || []) {
        if (other.dataset.id === s.id) continue;
        if (s.killed) {
          other.classList.add('killed');
          if (!other.querySelector('.badge.kill')) {
            other.querySelector('.meta').append(el('span', { class: 'badge kill', text: 'KILLED' }));
          }
        }
        const cluster = other.querySelector('.cluster');
        if (cluster) {
          cluster.textContent = s.cluster_sources > 1 ? s.cluster_sources + ' sources'
            : s.cluster_stories + ' versions';
        }
        if (s.kind === 'UPDATE' && !other.querySelector('.badge.updated-since')) {
          other.querySelector('.meta').append(el('span', { class: 'badge update updated-since', text: 'updated since' }));
        }
      }
      if (!matches(s)) continue;
      const item = storyItem(s);
      if (animate) item.classList.add('fresh');
      const existing = rows.get(s.id);
      if (existing) {
        untrack(existing);
        existing.remove();
      } else {
        state.total++;
      }
      let before = ol.firstElementChild;
      while (before && before.dataset.arrived > s.arrived) before = before.nextElementSibling;
      ol.insertBefore(item, before);
      track(item);
      added.set(s.id, item);
    }
    while (ol.children.length > MAX_SHOWN) {
      untrack(ol.lastElementChild);
      ol.lastElementChild.remove();
    }
    showTotal();
    if (added.size) {
      $('empty').hidden = true;
      scheduleCounts();
    }
  }

  async function loadStories() {
    try {
      const data = await api('/api/stories?' + filterQuery({ limit: 200 }));
      data.stories.forEach(remember);
      fillDatalists();
      renderStories(data.stories, data.total);
    } catch (error) {
      setStatus('down', 'cannot load stories: ' + error.message);
    }
  }

  // ---- alerts and the last hour -----------------------------------------
  function alertItem(a) {
    const link = el('a', { href: storyLink(a.story_id), text: a.headline || a.story_id });
    link.addEventListener('click', (event) => { event.preventDefault(); openStory(a.story_id, true); });
    return el('li', { class: 'alert ' + a.severity, 'data-rule': a.rule_id },
      el('div', { class: 'when' }, timeText(a.created_at || a.arrived) + ' · ',
        el('strong', { text: a.severity.toUpperCase() }), ' · ' + (a.rule_name || a.rule_id)),
      link,
      a.snippet ? el('div', { class: 'snippet muted', text: a.snippet }) : null);
  }

  async function loadAlerts() {
    try {
      const since = new Date(Date.now() - HOUR_MS).toISOString();
      const params = new URLSearchParams({ since: since, limit: '50' });
      if (state.filters.rule) params.set('rule', state.filters.rule);
      const data = await api('/api/alerts?' + params.toString());
      $('alerts').replaceChildren(...data.alerts.map(alertItem));
      $('no-alerts').hidden = data.alerts.length > 0;
    } catch (error) { /* the status line shows the connection */ }
  }

  function addLiveAlert(a) {
    if (state.filters.rule && a.rule_id !== state.filters.rule) return;
    $('alerts').prepend(alertItem(a));
    $('no-alerts').hidden = true;
    const story = rows.get(a.story_id);
    if (story) story.classList.add('alerted');
    if (state.sound && a.severity !== 'info') beep(a.severity === 'critical' ? 880 : 660);
    scheduleCounts();
  }

  function barChart(container, rows, label) {
    container.replaceChildren();
    if (!rows.length) { container.append(el('p', { class: 'muted', text: 'none' })); return; }
    const top = rows.slice(0, 8);
    const max = Math.max(...top.map((r) => r.count));
    const rowHeight = 22;
    const svg = svgEl('svg', { viewBox: '0 0 320 ' + top.length * rowHeight, role: 'img',
      'aria-label': label + ': ' + top.map((r) => (r.name || r.code) + ' ' + r.count).join(', ') });
    top.forEach((r, i) => {
      const y = i * rowHeight;
      svg.append(svgEl('text', { x: 0, y: y + 15 }, (r.name || r.code).slice(0, 22)));
      svg.append(svgEl('rect', { x: 160, y: y + 4, height: 14, width: Math.max(2, 120 * r.count / max) }));
      svg.append(svgEl('text', { x: 164 + 120 * r.count / max, y: y + 15, class: 'count' }, String(r.count)));
    });
    container.append(svg);
  }

  async function loadCounts() {
    state.countsTimer = null;
    try {
      const since = new Date(Date.now() - HOUR_MS).toISOString();
      const data = await api('/api/counts?' + filterQuery({ since: since }));
      $('hour-total').textContent = '(' + data.stories + ' stories)';
      barChart($('by-topic'), data.by_topic, 'Stories by topic in the last hour');
      barChart($('by-region'), data.by_region, 'Stories by region in the last hour');
    } catch (error) { /* shown by the status line */ }
  }

  function scheduleCounts() {
    if (state.countsTimer === null) state.countsTimer = setTimeout(loadCounts, 2000);
  }

  // ---- the story view ----------------------------------------------------
  function evidenceTable(headers, rows) {
    return el('table', null,
      el('thead', null, el('tr', null, ...headers.map((h) => el('th', { text: h })))),
      el('tbody', null, ...rows.map((row) => el('tr', null, ...row.map((cell) => el('td', { text: String(cell) }))))));
  }

  let focusBeforeStory = null;

  async function openStory(id, push) {
    if ($('story-view').hidden) focusBeforeStory = document.activeElement;
    state.storyOpen = id;
    writeUrl(push);
    const view = $('story-view');
    const body = $('sv-body');
    body.replaceChildren(el('p', { class: 'muted', text: 'loading…' }));
    view.hidden = false;
    try {
      const d = await api('/api/stories/' + encodeURIComponent(id));
      const s = d.summary;
      view.querySelector('.sv-inner').classList.toggle('killed', s.killed);
      const verdict = d.verdict;
      body.replaceChildren(
        el('h2', { id: 'sv-headline', text: s.headline }),
        d.subheadline ? el('p', { class: 'muted', text: d.subheadline }) : null,
        el('p', { class: 'muted', text: [timeText(s.time), s.source, s.provider, d.byline, d.dateline,
          s.language, 'v' + s.version].filter(Boolean).join(' · ') }),
        s.killed ? el('p', null, el('span', { class: 'badge kill', text: 'KILLED' }), ' withdrawn by the provider; do not use') : null,
        el('section', { class: 'text' }, el('h3', { text: 'Text' }),
          ...d.paragraphs.map((p) => el('p', { text: p }))),
        el('section', null, el('h3', { text: 'Dedup verdict' }),
          el('dl', null,
            el('dt', { text: 'verdict' }), el('dd', { text: verdict.kind }),
            el('dt', { text: 'method' }), el('dd', { text: verdict.method || '—' }),
            el('dt', { text: 'similarity' }), el('dd', { text: verdict.similarity ? verdict.similarity.toFixed(2) : '—' }),
            el('dt', { text: 'evidence' }), el('dd', { text: verdict.evidence || '—' }),
            el('dt', { text: 'matched' }), el('dd', { text: verdict.matched_story_id || '—' }),
            el('dt', { text: 'cluster' }), el('dd', { text: verdict.cluster_id + ' · ' + s.cluster_sources + ' sources' }))),
        el('section', { class: 'cluster-list' }, el('h3', { text: 'Cluster: every version and source' }),
          el('ol', null, ...d.cluster.map((c) => {
            const link = el('a', { href: storyLink(c.id), text: c.headline });
            link.addEventListener('click', (event) => { event.preventDefault(); openStory(c.id, true); });
            return el('li', null, c.kind + ' · ' + c.source + ' v' + c.version + ' · ' + timeText(c.arrived) + ' · ',
              c.this ? el('strong', { text: c.headline + ' (this story)' }) : link);
          }))),
        el('section', { class: 'evidence topics-evidence' }, el('h3', { text: 'Topics and their evidence' }),
          d.topics.length ? evidenceTable(['topic', 'score', 'evidence'], d.topics.map((t) => [
            (t.primary ? '★ ' : '') + t.label + ' (' + t.code + ')', t.score.toFixed(2), t.evidence.join(', ')]))
            : el('p', { class: 'muted', text: d.topics_unavailable || 'no topics' })),
        el('section', { class: 'evidence countries-evidence' }, el('h3', { text: 'Countries and their evidence' }),
          d.countries.length ? evidenceTable(['country', 'role', 'mentions', 'evidence'], d.countries.map((c) => [
            c.name + ' (' + c.code + ')' + (c.code === s.focus_country ? ' · focus' : ''), c.role, c.mentions, c.evidence.join(', ')]))
            : el('p', { class: 'muted', text: 'no countries' })),
        el('section', { class: 'evidence alerts-evidence' }, el('h3', { text: 'Alert rules and their evidence' }),
          d.alert_hits.length ? evidenceTable(['rule', 'severity', 'matched', 'snippet'], d.alert_hits.map((h) => [
            (h.rule_name || h.rule_id) + (h.suppressed ? ' (suppressed: ' + h.suppressed_reason + ')' : ' (alerted)'),
            h.severity, h.matches.map((m) => m.term + ' in ' + m.field).join(', '), h.snippet]))
            : el('p', { class: 'muted', text: 'no rule matched' })),
        el('section', null, el('details', null, el('summary', { text: 'Normalized text' }),
          el('pre', { text: d.normalized_text }))));
      $('sv-close').focus();
    } catch (error) {
      body.replaceChildren(el('p', { text: 'This story is not in the window (' + error.message + ').' }));
    }
  }

  function closeStory(push) {
    state.storyOpen = null;
    $('story-view').hidden = true;
    writeUrl(push);
    // Back to where the reader was in the stream.
    if (focusBeforeStory && document.contains(focusBeforeStory)) focusBeforeStory.focus();
    focusBeforeStory = null;
  }

  // ---- live updates ------------------------------------------------------
  function setStatus(kind, text) {
    const status = $('status');
    status.className = 'status ' + kind;
    status.textContent = text;
  }

  function connect() {
    const source = new EventSource('/api/events');
    state.source = source;
    source.addEventListener('open', () => setStatus('live', 'live'));
    source.addEventListener('error', () => setStatus('down', 'reconnecting…'));
    source.addEventListener('story', (event) => addLiveStory(JSON.parse(event.data)));
    source.addEventListener('alert', (event) => addLiveAlert(JSON.parse(event.data)));
    source.addEventListener('reload', () => { loadStories(); loadAlerts(); loadCounts(); });
  }

  // ---- sound and wall mode -----------------------------------------------
  let audio = null;
  function beep(frequency) {
    try {
      audio = audio || new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.value = 0.1;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.25);
    } catch (error) { /* no audio on this screen */ }
  }

  function setSound(on) {
    state.sound = on;
    const button = $('sound');
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Sound on' : 'Sound off';
    try { localStorage.setItem('wirestream.sound', on ? '1' : '0'); } catch (error) { /* private mode */ }
  }

  let scroller = null;
  function setWall(on) {
    state.wall = on;
    document.documentElement.classList.toggle('wall', on);
    document.body.classList.toggle('wall', on);
    $('wall').setAttribute('aria-pressed', String(on));
    if (scroller) { clearInterval(scroller); scroller = null; }
    if (on && !matchMedia('(prefers-reduced-motion: reduce)').matches) {
      // Scroll down slowly; back to the newest at the bottom.
      let pause = 0;
      scroller = setInterval(() => {
        const stream = document.querySelector('.stream');
        if (pause > 0) { pause--; return; }
        if (stream.scrollTop + stream.clientHeight >= stream.scrollHeight - 1) {
          stream.scrollTop = 0;
          pause = 100;
        } else {
          stream.scrollTop += 1;
        }
      }, 50);
    }
  }

  // ---- wiring ------------------------------------------------------------
  function applyFiltersFromForm() {
    const form = $('filters');
    state.filters = {};
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) state.filters[name] = value;
    }
    writeUrl(true);
    loadStories();
    loadAlerts();
    loadCounts();
  }

  function fillForm() {
    const form = $('filters');
    for (const name of FILTERS) form.elements[name].value = state.filters[name] || '';
  }

  function focusStory(step) {
    const links = Array.from(document.querySelectorAll('#stories .headline'));
    if (!links.length) return;
    const at = links.indexOf(document.activeElement);
    const next = at < 0 ? 0 : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
    links[next].scrollIntoView({ block: 'nearest' });
  }

  function onKey(event) {
    const typing = event.target.matches('input, textarea');
    if (event.key === 'Escape' && !$('story-view').hidden) { closeStory(true); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '/') { event.preventDefault(); $('q').focus(); }
    else if (event.key === 'j') focusStory(1);
    else if (event.key === 'k') focusStory(-1);
    else if (event.key === 'w') setWall(!state.wall) || writeUrl(false);
    else if (event.key === 's') setSound(!state.sound);
  }

  function start() {
    // A token given once in the address is kept as a cookie by the server;
    // it does not stay in the address bar or the history.
    const params = new URLSearchParams(location.search);
    if (params.has('token')) {
      params.delete('token');
      history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
    }
    readUrl();
    fillForm();
    let sound = false;
    try { sound = localStorage.getItem('wirestream.sound') === '1'; } catch (error) { /* none */ }
    setSound(sound);
    setWall(state.wall);
    $('filters').addEventListener('submit', (event) => { event.preventDefault(); applyFiltersFromForm(); });
    $('clear').addEventListener('click', () => { $('filters').reset(); applyFiltersFromForm(); });
    $('sound').addEventListener('click', () => setSound(!state.sound));
    $('wall').addEventListener('click', () => { setWall(!state.wall); writeUrl(false); });
    $('sv-close').addEventListener('click', () => closeStory(true));
    $('story-view').addEventListener('click', (event) => {
      if (event.target === $('story-view')) closeStory(true);
    });
    document.addEventListener('keydown', onKey);
    window.addEventListener('popstate', () => {
      readUrl();
      fillForm();
      setWall(state.wall);
      loadStories();
      loadAlerts();
      loadCounts();
      if (state.storyOpen) openStory(state.storyOpen, false); else $('story-view').hidden = true;
    });
    connect();
    loadStories();
    loadAlerts();
    loadCounts();
    setInterval(loadCounts, 30000);
    setInterval(loadAlerts, 60000);
    if (state.storyOpen) openStory(state.storyOpen, false);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
