// The review page of a VertXNet run: written by `vertxnet review RUN`, opened from a file or a static
// website. Cards and filters read data/index.js (loaded before this script); the detail view loads
// one data/page-NNNN.js with <script>, which file:// allows where fetch() is refused. Marks live in
// localStorage under the run's id and are downloaded as review-marks.json.
(function () {
  'use strict';
  var D = window.VERTXNET_REVIEW;
  var $ = function (id) {
    return document.getElementById(id);
  };
  if (!D) {
    $('no-data').hidden = false;
    return;
  }
  var PER_SCREEN = 60;
  var NEEDS_REVIEW = 'needs-review';
  var LOW_CONFIDENCE = 0.5;
  var MARKS_KEY = 'vertxnet-review-marks:' + D.run.id;
  var needsReviewIndex = D.flags.indexOf(NEEDS_REVIEW);
  var state = { filtered: [], screen: 0, selected: 0, open: false };
  var marks = loadMarks();
  var pagesLoading = {};

  function loadMarks() {
    try {
      var parsed = JSON.parse(localStorage.getItem(MARKS_KEY) || '{}');
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch (e) {
      return {};
    }
  }

  function saveMarks() {
    try {
      localStorage.setItem(MARKS_KEY, JSON.stringify(marks));
    } catch (e) {
      // Storage full or refused (some browsers on file://): the marks stay in this tab; Save marks still works.
    }
  }

  /** review-marks.json: the run, then one entry per marked image. */
  function marksFile() {
    var names = Object.keys(marks).sort();
    return {
      run: D.run.id,
      source: D.run.source,
      savedAt: new Date().toISOString(),
      marks: names.map(function (n) {
        return { image: n, mark: marks[n].mark, time: marks[n].time };
      }),
    };
  }

  function downloadMarks() {
    var blob = new Blob([JSON.stringify(marksFile(), null, 2) + '\n'], { type: 'application/json' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'review-marks.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(a.href);
    }, 10000);
  }

  var Detail = window.VERTXNET_REVIEW_DETAIL;
  var el = Detail.el;

  function option(select, value, label) {
    var o = el('option', '', label);
    o.value = value;
    select.appendChild(o);
  }

  function setUpFilters() {
    var flag = $('filter-flag');
    option(flag, '', 'any');
    option(flag, 'none', 'no flags');
    option(flag, 'some', 'any flag');
    D.flags.forEach(function (f, i) {
      option(flag, String(i), f);
    });
    var view = $('filter-view');
    option(view, '', 'any');
    D.views.forEach(function (v, i) {
      option(view, String(i), v);
    });
    option(view, '-1', 'unknown');
    var level = $('filter-level');
    option(level, '', 'any');
    D.levels.forEach(function (l, i) {
      option(level, String(i), 'has ' + l);
    });
    var status = $('filter-status');
    option(status, '', 'all');
    option(status, 'ok', 'with a result');
    option(status, 'failed', 'failed');
    var mark = $('filter-mark');
    option(mark, '', 'any');
    option(mark, 'none', 'not marked');
    option(mark, 'wrong', 'wrong');
    option(mark, 'right', 'right');
    ['filter-flag', 'filter-view', 'filter-level', 'filter-status', 'filter-mark'].forEach(function (id) {
      $(id).addEventListener('change', applyFilters);
    });
  }

  function matches(card, f) {
    if (f.flag === 'none' && card.f.length > 0) return false;
    if (f.flag === 'some' && card.f.length === 0) return false;
    if (f.flag !== '' && f.flag !== 'none' && f.flag !== 'some' && card.f.indexOf(Number(f.flag)) < 0) return false;
    if (f.view !== '' && card.v !== Number(f.view)) return false;
    if (f.level !== '' && card.l.indexOf(Number(f.level)) < 0) return false;
    if (f.status === 'ok' && card.x) return false;
    if (f.status === 'failed' && !card.x) return false;
    if (f.mark !== '') {
      var m = marks[card.n] ? marks[card.n].mark : 'none';
      if (m !== f.mark) return false;
    }
    return true;
  }

  function applyFilters() {
    var f = {
      flag: $('filter-flag').value,
      view: $('filter-view').value,
      level: $('filter-level').value,
      status: $('filter-status').value,
      mark: $('filter-mark').value,
    };
    var out = [];
    for (var i = 0; i < D.cards.length; i++) if (matches(D.cards[i], f)) out.push(i);
    state.filtered = out;
    state.screen = 0;
    state.selected = 0;
    renderGrid();
  }

  function confidenceText(card) {
    return card.c === undefined ? 'failed' : 'confidence ' + card.c.toFixed(2);
  }

  function thumbUrl(name) {
    return 'thumbs/' + encodeURIComponent(name) + '.jpg';
  }

  function renderCard(pos, at) {
    var card = D.cards[pos];
    var a = el('article', 'card');
    a.dataset.pos = String(pos);
    a.dataset.name = card.n;
    a.dataset.at = String(at);
    if (card.x) a.classList.add('failed');
    if (card.f.indexOf(needsReviewIndex) >= 0 && needsReviewIndex >= 0) a.classList.add('needs-review');
    if (card.t) {
      var img = el('img', 'thumb');
      img.loading = 'lazy';
      img.alt = '';
      img.src = thumbUrl(card.n);
      a.appendChild(img);
    } else {
      a.appendChild(el('div', 'nothumb', card.x ? 'failed: no result' : 'no overlay'));
    }
    a.appendChild(el('div', 'name', card.n)).title = card.n;
    var meta = el('div', 'meta');
    meta.appendChild(document.createTextNode((card.v >= 0 ? D.views[card.v] : 'view unknown') + ' · '));
    var conf = el('span', 'conf', confidenceText(card));
    if (card.c !== undefined && card.c < LOW_CONFIDENCE) conf.classList.add('low');
    meta.appendChild(conf);
    a.appendChild(meta);
    a.appendChild(
      el(
        'div',
        'levels',
        card.l.length
          ? card.l
              .map(function (l) {
                return D.levels[l];
              })
              .join(' ')
          : card.x
            ? ''
            : 'no levels',
      ),
    );
    var flags = el('div', 'flags');
    card.f.forEach(function (f) {
      var name = D.flags[f];
      flags.appendChild(el('span', 'flag' + (name === NEEDS_REVIEW ? ' needs-review' : ''), name));
    });
    a.appendChild(flags);
    var m = marks[card.n];
    if (m) a.appendChild(el('span', 'badge ' + m.mark, m.mark === 'wrong' ? '✗ wrong' : '✓ right'));
    a.addEventListener('click', function () {
      select(at);
      openDetail();
    });
    return a;
  }

  function screens() {
    return Math.max(1, Math.ceil(state.filtered.length / PER_SCREEN));
  }

  function renderGrid() {
    var grid = $('grid');
    grid.textContent = '';
    var from = state.screen * PER_SCREEN;
    var to = Math.min(state.filtered.length, from + PER_SCREEN);
    for (var at = from; at < to; at++) grid.appendChild(renderCard(state.filtered[at], at));
    var n = state.filtered.length;
    $('count').textContent =
      n === 0
        ? 'no image matches'
        : 'showing ' +
          (from + 1) +
          '–' +
          to +
          ' of ' +
          n.toLocaleString('en') +
          (n !== D.cards.length ? ' (of ' + D.cards.length.toLocaleString('en') + ')' : '');
    $('page-label').textContent = 'page ' + (state.screen + 1) + ' of ' + screens();
    $('prev').disabled = state.screen === 0;
    $('next').disabled = state.screen + 1 >= screens();
    highlight();
  }

  function highlight() {
    var cards = document.querySelectorAll('#grid .card');
    for (var i = 0; i < cards.length; i++) {
      var on = Number(cards[i].dataset.at) === state.selected;
      cards[i].classList.toggle('selected', on);
      if (on && !state.open) cards[i].scrollIntoView({ block: 'nearest' });
    }
  }

  function select(at) {
    if (state.filtered.length === 0) return;
    at = Math.max(0, Math.min(state.filtered.length - 1, at));
    state.selected = at;
    var screen = Math.floor(at / PER_SCREEN);
    if (screen !== state.screen) {
      state.screen = screen;
      renderGrid();
    } else highlight();
    if (state.open) showDetail();
  }

  function goScreen(delta) {
    var screen = Math.max(0, Math.min(screens() - 1, state.screen + delta));
    if (screen === state.screen) return;
    state.screen = screen;
    state.selected = screen * PER_SCREEN;
    renderGrid();
    window.scrollTo(0, 0);
  }

  function mark(value) {
    if (state.filtered.length === 0) return;
    var name = D.cards[state.filtered[state.selected]].n;
    if (value === null) delete marks[name];
    else marks[name] = { mark: value, time: new Date().toISOString() };
    saveMarks();
    // The card keeps its place even when a mark filter no longer matches it, so j/k do not jump.
    renderGrid();
    if (state.open) showDetail();
    updateSaveButton();
  }

  function updateSaveButton() {
    $('save-marks').textContent = 'Save marks (' + Object.keys(marks).length + ')';
  }

  function pageFile(k) {
    return 'data/page-' + String(k + 1).padStart(4, '0') + '.js';
  }

  /** Calls back with the detail of the card at `pos` (undefined when its page cannot load), loading its data page first when needed. */
  function withDetail(pos, callback) {
    var k = Math.floor(pos / D.pageSize);
    var pages = window.VERTXNET_REVIEW_PAGES || {};
    if (pages[k]) return callback(pages[k][pos - k * D.pageSize]);
    if (pagesLoading[k]) return pagesLoading[k].push({ pos: pos, callback: callback });
    pagesLoading[k] = [{ pos: pos, callback: callback }];
    var s = document.createElement('script');
    s.src = pageFile(k);
    var done = function () {
      var waiting = pagesLoading[k];
      delete pagesLoading[k];
      var page = (window.VERTXNET_REVIEW_PAGES || {})[k];
      waiting.forEach(function (w) {
        w.callback(page ? page[w.pos - k * D.pageSize] : undefined);
      });
    };
    s.onload = done;
    s.onerror = done;
    document.head.appendChild(s);
  }

  function openDetail() {
    if (state.filtered.length === 0) return;
    state.open = true;
    $('detail').hidden = false;
    showDetail();
  }

  function closeDetail() {
    state.open = false;
    $('detail').hidden = true;
    highlight();
  }

  function showDetail() {
    var pos = state.filtered[state.selected];
    var card = D.cards[pos];
    $('detail-name').textContent = card.n;
    var m = marks[card.n];
    $('mark-wrong').textContent = m && m.mark === 'wrong' ? '✗ Marked wrong' : 'Mark wrong (w)';
    $('mark-right').textContent = m && m.mark === 'right' ? '✓ Marked right' : 'Mark right (r)';
    withDetail(pos, function (detail) {
      if (state.filtered[state.selected] !== pos) return; // moved on while the page loaded
      renderDetail(card, detail);
    });
  }

  function renderDetail(card, detail) {
    var missing = detail ? '' : pageFile(Math.floor(state.filtered[state.selected] / D.pageSize));
    Detail.renderDetail($('detail-figure'), $('detail-info'), detail, detail && marks[detail.name], missing);
  }

  function renderFailures() {
    if (D.failures.length === 0) return;
    $('failures').hidden = false;
    $('failures-summary').textContent = D.failures.length.toLocaleString('en') + (D.failures.length === 1 ? ' image' : ' images') + ' failed: their reasons';
    var rows = $('failures-rows');
    var shown = D.failures.slice(0, 500);
    shown.forEach(function (f) {
      var tr = el('tr');
      tr.appendChild(el('td', '', f.name));
      tr.appendChild(el('td', '', f.source));
      tr.appendChild(el('td', 'failure-reason', f.reason));
      rows.appendChild(tr);
    });
    if (D.failures.length > shown.length)
      $('failures-more').textContent = '… and ' + (D.failures.length - shown.length) + ' more: choose Status "failed" to page through them.';
  }

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'SELECT' || tag === 'INPUT' || tag === 'TEXTAREA') return;
    var key = e.key;
    if (key === 'j' || key === 'ArrowDown' || key === 'ArrowRight') select(state.selected + 1);
    else if (key === 'k' || key === 'ArrowUp' || key === 'ArrowLeft') select(state.selected - 1);
    else if (key === 'Enter') openDetail();
    else if (key === 'Escape') closeDetail();
    else if (key === 'w') mark('wrong');
    else if (key === 'r') mark('right');
    else if (key === 'u') mark(null);
    else return;
    e.preventDefault();
  });
  $('prev').addEventListener('click', function () {
    goScreen(-1);
  });
  $('next').addEventListener('click', function () {
    goScreen(1);
  });
  $('detail-prev').addEventListener('click', function () {
    select(state.selected - 1);
  });
  $('detail-next').addEventListener('click', function () {
    select(state.selected + 1);
  });
  $('detail-close').addEventListener('click', closeDetail);
  $('mark-wrong').addEventListener('click', function () {
    mark('wrong');
  });
  $('mark-right').addEventListener('click', function () {
    mark('right');
  });
  $('save-marks').addEventListener('click', downloadMarks);

  $('run').textContent =
    'run ' +
    D.run.id +
    ' · ' +
    D.run.source +
    ' · ' +
    D.cards.length.toLocaleString('en') +
    ' images' +
    (D.failures.length ? ', ' + D.failures.length.toLocaleString('en') + ' failed' : '');
  setUpFilters();
  renderFailures();
  applyFilters();
  updateSaveButton();
  // For scripts and tests: what Save marks would download.
  window.vertxnetReview = { marksFile: marksFile };
})();
