// Record a price: show the chosen asset's live price and the change of the typed price, as it is typed.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Decimal text to a Number for a percentage shown to a person (never stored, never sent).
  function parse(text) {
    var t = (text || "").trim();
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
    return Number(t);
  }

  function age(seconds) {
    if (seconds === null) return "";
    if (seconds < 120) return seconds + " s ago";
    if (seconds < 7200) return Math.floor(seconds / 60) + " min ago";
    return Math.floor(seconds / 3600) + " h ago";
  }

  ready(function () {
    var data = JSON.parse(document.getElementById("price-reference-data").textContent);
    var asset = document.getElementById("id_asset");
    var price = document.getElementById("id_price");
    var out = document.getElementById("price-reference");
    if (!asset || !price || !out) return;

    function show() {
      var ref = data[asset.value];
      if (!ref) {
        out.textContent = "Choose an asset to see its live price.";
        out.removeAttribute("data-change");
        return;
      }
      var band = Number(ref.band);
      var text = ref.price === null
        ? "No live " + asset.value + " price yet."
        : "Live " + asset.value + " price: " + ref.price_text + " USDT (" + age(ref.age_seconds) + ")" +
          " · sanity band ±" + (band * 100).toFixed(2).replace(/\.?0+$/, "") + " %";
      if (ref.sources > 1) text += " · " + ref.sources + " sources needed";
      var typed = parse(price.value);
      out.removeAttribute("data-change");
      if (typed !== null && ref.price !== null) {
        var live = Number(ref.price);
        var change = (typed - live) / live;
        var sign = change > 0 ? "+" : "";
        out.setAttribute("data-change", (change * 100).toFixed(2));
        text += " · what you typed changes it by " + sign + (change * 100).toFixed(2) + " %";
        if (Math.abs(change) > band) text += " — beyond the band: it will be held for a second person";
      }
      out.textContent = text;
    }

    asset.addEventListener("change", show);
    price.addEventListener("input", show);
    show();
  });
})();
