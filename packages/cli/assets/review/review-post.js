// Posting the marks to the ingest API, for a distributed run (`vertxnet review RUN --api URL`):
// POST /runs/:id/marks with the reviewer's token, which the API merges into review-marks.json
// beside the run's results. The token stays in this tab (sessionStorage), never in a file.
(function () {
  'use strict';
  var D = window.VERTXNET_REVIEW;
  var R = window.vertxnetReview;
  if (!D || !D.run.api || !R) return;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var TOKEN_KEY = 'vertxnet-review-token:' + D.run.api;
  var url = D.run.api + '/runs/' + encodeURIComponent(D.run.id) + '/marks';
  $('post').hidden = false;
  try {
    $('api-token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    // No session storage (some browsers on file://): the reviewer types the token again.
  }

  function say(text, kind) {
    var status = $('post-status');
    status.textContent = text;
    status.className = kind || '';
  }

  function answer(res) {
    return res
      .json()
      .catch(function () {
        return {};
      })
      .then(function (body) {
        return { ok: res.ok, status: res.status, body: body };
      });
  }

  function post() {
    var token = $('api-token').value.trim();
    if (!token) {
      say('enter the API token first', 'bad');
      $('api-token').focus();
      return;
    }
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch (e) {
      // As above: kept for this post only.
    }
    var file = R.marksFile();
    say('posting ' + file.marks.length + ' marks…');
    fetch(url, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify(file),
    })
      .then(answer)
      .then(
        function (a) {
          if (a.ok) say('posted: the run now holds ' + a.body.marks + ' marks, ' + a.body.wrong + ' wrong', 'good');
          else say('not posted (' + a.status + '): ' + (a.body.error || 'the API refused the marks'), 'bad');
        },
        function () {
          say('not posted: no answer from ' + D.run.api + ' (is it reachable, and does its API_CORS_ORIGINS list this page?)', 'bad');
        },
      );
  }

  $('post-marks').addEventListener('click', post);
})();
