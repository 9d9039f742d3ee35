// Loaded before the page paints (not deferred): styles that need JavaScript apply at once.
// A file, not an inline script, so the Content-Security-Policy can forbid inline scripts.
document.documentElement.classList.add("js");
