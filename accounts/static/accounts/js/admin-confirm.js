// Admin operation buttons with a data-confirm text ask before they post (no inline handlers:
// the Content-Security-Policy forbids them).
document.addEventListener("submit", function (event) {
  var text = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
