// The detail view of the review page: the overlay and the image's facts, measurements and a row per
// vertebra. Loaded before review.js, which calls VERTXNET_REVIEW_DETAIL.renderDetail and shares el().
(function () {
  'use strict';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function dlRow(dl, term, value) {
    if (value === undefined || value === null || value === '') return;
    dl.appendChild(el('dt', '', term));
    dl.appendChild(el('dd', '', String(value)));
  }

  function num(v, digits) {
    return v === undefined ? '' : Number(v).toFixed(digits);
  }

  // fig, info: the detail view's two panes; mark: the image's mark or undefined; missing: the page file
  // named when the detail could not be loaded.
  function renderDetail(fig, info, detail, mark, missing) {
    fig.textContent = '';
    info.textContent = '';
    if (!detail) {
      info.appendChild(el('p', 'failure-reason', 'The details of this image could not be loaded (' + missing + ').'));
      return;
    }
    var folder = '../' + encodeURIComponent(detail.name) + '/';
    if (detail.overlay) {
      var img = el('img');
      img.src = folder + detail.overlay;
      img.alt = 'overlay of ' + detail.name;
      fig.appendChild(img);
      var full = el('a', '', 'full-resolution overlay.png');
      full.href = folder + 'overlay.png';
      full.target = '_blank';
      fig.appendChild(full);
    } else {
      fig.appendChild(el('p', 'failure-reason', detail.failure ? 'No result: ' + detail.failure : 'No overlay in the result folder.'));
    }
    var m = mark;
    var markLine = el('p', 'mark-now' + (m ? ' ' + m.mark : ''), m ? 'Marked ' + m.mark + ' at ' + m.time : 'Not marked');
    info.appendChild(markLine);
    var dl = el('dl');
    dl.appendChild(el('dt', '', 'source'));
    dl.appendChild(el('dd', '', detail.source));
    if (detail.failure) dlRow(dl, 'failed', detail.failure);
    if (detail.view) dlRow(dl, 'view', (detail.view.value || 'unknown') + ' (from ' + detail.view.source + ')');
    if (detail.confidence !== undefined) dlRow(dl, 'confidence', detail.confidence.toFixed(3));
    if (detail.flags) dlRow(dl, 'flags', detail.flags.length ? detail.flags.join(', ') : 'none');
    if (detail.reference) dlRow(dl, 'reference', detail.reference.level + ' (score ' + detail.reference.score.toFixed(2) + ')');
    if (detail.landmark) dlRow(dl, 'landmark', detail.landmark.level + ' (score ' + detail.landmark.score.toFixed(2) + ')');
    if (detail.lordosis) dlRow(dl, 'lordosis ' + detail.lordosis.name, detail.lordosis.degrees.toFixed(1) + '°');
    if (detail.image) {
      dlRow(dl, 'image', detail.image.width + ' × ' + detail.image.height + ' px');
      if (detail.image.pixelSpacing) dlRow(dl, 'pixel spacing', detail.image.pixelSpacing.row + ' × ' + detail.image.pixelSpacing.column + ' mm');
    }
    dlRow(dl, 'anterior side', detail.anteriorSide);
    if (detail.models)
      Object.keys(detail.models).forEach(function (k) {
        dlRow(dl, k, detail.models[k]);
      });
    (detail.notes || []).forEach(function (n) {
      dlRow(dl, 'note', n);
    });
    info.appendChild(dl);
    if (detail.vertebrae && detail.vertebrae.length) {
      var unit = detail.unit || 'px';
      var table = el('table', 'vertebrae');
      var head = el('tr');
      ['level', 'score', 'from', 'area ' + unit + '²', 'ant. ' + unit, 'mid. ' + unit, 'post. ' + unit, 'wedge', 'sup. °', 'inf. °'].forEach(function (h) {
        head.appendChild(el('th', '', h));
      });
      table.appendChild(el('thead')).appendChild(head);
      var body = el('tbody');
      detail.vertebrae.forEach(function (v) {
        var tr = el('tr');
        [
          v.level || '?',
          num(v.score, 2),
          v.source,
          num(v.area, 0),
          num(v.anteriorHeight, 1),
          num(v.middleHeight, 1),
          num(v.posteriorHeight, 1),
          num(v.wedgeRatio, 3),
          num(v.superiorEndplateAngle, 1),
          num(v.inferiorEndplateAngle, 1),
        ].forEach(function (c) {
          tr.appendChild(el('td', '', c));
        });
        body.appendChild(tr);
      });
      table.appendChild(body);
      info.appendChild(table);
    } else if (!detail.failure) {
      info.appendChild(el('p', '', 'No vertebra found.'));
    }
  }

  window.VERTXNET_REVIEW_DETAIL = { el: el, renderDetail: renderDetail };
})();
