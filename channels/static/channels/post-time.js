// The posting form's primary button says what it will do: "Post now", or "Schedule" once a
// time is entered in "Post at", or while a time set at hand-over is still ahead (an empty
// field then posts at that time). The form posts the same either way: this is only the label.
(function () {
  "use strict";
  var field = document.querySelector("#form-post input[name=at]");
  var button = document.querySelector("button[form=form-post][data-schedule-label]");
  if (!field || !button) {
    return;
  }
  var now = button.textContent;
  var handover = field.form.hasAttribute("data-handover-time");
  function label() {
    button.textContent = field.value || handover ? button.dataset.scheduleLabel : now;
  }
  field.addEventListener("input", label);
  field.addEventListener("change", label);
  label();
})();
