// 全て選択: one checkbox that ticks every order checkbox of its form (progressive enhancement;
// without JavaScript the checkbox stays hidden and the "すべて確認済みにする" form remains).
document.querySelectorAll("[data-select-all]").forEach(function (toggle) {
  var boxes = toggle.form.querySelectorAll('input[type="checkbox"][name="order_id"]');
  toggle.closest("[hidden]").hidden = false;
  toggle.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = toggle.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      toggle.checked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    });
  });
});
