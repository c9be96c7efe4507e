// Copy buttons for the signed-in page. Progressive enhancement: the buttons are hidden in
// the HTML and shown here, so without JavaScript the text is still there to select.
// Served from the service's own origin (CSP script-src 'self'); no inline script.
document.querySelectorAll('button[data-copy]').forEach(function (button) {
  if (!navigator.clipboard) {
    return; // not a secure context: leave the button hidden
  }
  button.hidden = false;
  button.addEventListener('click', function () {
    var text = document.getElementById(button.getAttribute('data-copy')).textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = 'Copied';
    }, function () {
      button.textContent = 'Select and copy';
    });
  });
});
