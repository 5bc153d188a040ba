/* global document, window */
/*
 * Steward web form embed. Put one line where the form should appear:
 *   <script src="https://steward.example/embed.js" data-team="<team id>"></script>
 * Optional: data-category="<category key>", data-language="de", data-title="Contact us".
 * It inserts an iframe with the form (/form) right after the script and keeps the iframe as tall
 * as the form (the form reports its height with postMessage). Plain ES5: runs on any site.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src, window.location.href).origin;
  var params = [];
  ['team', 'category', 'language'].forEach(function (key) {
    var value = script.getAttribute('data-' + key);
    if (value) params.push(key + '=' + encodeURIComponent(value));
  });
  var iframe = document.createElement('iframe');
  iframe.src = origin + '/form' + (params.length ? '?' + params.join('&') : '');
  iframe.title = script.getAttribute('data-title') || 'Contact us';
  iframe.setAttribute('data-steward-form', '');
  iframe.style.cssText = 'display:block;width:100%;min-height:420px;border:0;';
  script.parentNode.insertBefore(iframe, script.nextSibling);
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== iframe.contentWindow) return;
    var data = event.data;
    if (data && data.type === 'steward:form-height' && typeof data.height === 'number' && data.height > 0) {
      iframe.style.minHeight = '0';
      iframe.style.height = Math.ceil(data.height) + 'px';
    }
  });
})();
