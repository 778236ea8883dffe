// Draft form image tools (progressive enhancement; the plain form works without this file):
// - on choosing a photo, scale it in the browser so its long edge is at most 4096 px (JPEG),
//   to save the operator's data quota (the server checks everything again);
// - tap the preview to set the focal point; in blur mode drag rectangles over faces;
// - send the form with XMLHttpRequest and show upload progress.
(function () {
  "use strict";
  var LONG_EDGE = 4096;

  function fraction(value) { return Math.min(1, Math.max(0, value)).toFixed(4); }

  function pointIn(img, event) {
    var rect = img.getBoundingClientRect();
    return { x: (event.clientX - rect.left) / rect.width, y: (event.clientY - rect.top) / rect.height };
  }

  function downscale(file) {
    // Resolves with a smaller JPEG File, or the original when it is small or unreadable here.
    if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = LONG_EDGE / Math.max(bitmap.width, bitmap.height);
      if (scale >= 1) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", 0.9);
      });
    }).catch(function () { return file; });
  }

  function setup(tools) {
    var focal = tools.querySelector("[data-image-focal]");
    var blur = tools.querySelector("[data-image-blur]");
    var stage = tools.querySelector("[data-image-stage]");
    var img = tools.querySelector("[data-image-preview]");
    var marker = tools.querySelector("[data-image-marker]");
    var blurTools = tools.querySelector("[data-image-blur-tools]");
    var modeButton = tools.querySelector("[data-image-blur-mode]");
    var count = tools.querySelector("[data-image-blur-count]");
    var boxes = [];
    var start = null;

    function showMarker() {
      var parts = (focal.value || "0.5,0.5").split(",");
      marker.style.left = (parseFloat(parts[0]) * 100) + "%";
      marker.style.top = (parseFloat(parts[1]) * 100) + "%";
    }
    function drawBoxes() {
      stage.querySelectorAll(".image-blur-box").forEach(function (el) { el.remove(); });
      boxes.forEach(function (b) {
        var el = document.createElement("span");
        el.className = "image-blur-box";
        el.style.left = (b[0] * 100) + "%";
        el.style.top = (b[1] * 100) + "%";
        el.style.width = ((b[2] - b[0]) * 100) + "%";
        el.style.height = ((b[3] - b[1]) * 100) + "%";
        stage.appendChild(el);
      });
      blur.value = boxes.map(function (b) { return b.map(fraction).join(","); }).join(";");
      count.textContent = boxes.length ? count.getAttribute("data-label") + " " + boxes.length : "";
    }
    function show() {
      stage.classList.remove("d-none");
      blurTools.classList.remove("d-none");
      tools.querySelector("[data-image-help]").classList.remove("d-none");
      showMarker();
    }
    if (img.getAttribute("src")) { show(); }

    var fieldset = tools.closest("fieldset");
    var input = fieldset && fieldset.querySelector("input[type=file]");
    if (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        boxes = []; drawBoxes(); focal.value = "0.5000,0.5000";
        downscale(file).then(function (smaller) {
          if (smaller !== file && window.DataTransfer) {
            var transfer = new DataTransfer();
            transfer.items.add(smaller);
            input.files = transfer.files;
          }
          img.src = URL.createObjectURL(smaller);
          show();
        });
      });
    }
    modeButton.addEventListener("click", function () {
      var on = !stage.classList.contains("blur-mode");
      stage.classList.toggle("blur-mode", on);
      modeButton.setAttribute("aria-pressed", on ? "true" : "false");
    });
    tools.querySelector("[data-image-blur-clear]").addEventListener("click", function () {
      boxes = []; drawBoxes();
    });
    img.draggable = false;  // a drag marks an area; it must not start the browser's image drag
    img.addEventListener("dragstart", function (event) { event.preventDefault(); });
    img.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (img.setPointerCapture) { img.setPointerCapture(event.pointerId); }
      start = pointIn(img, event);
    });
    img.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var end = pointIn(img, event);
      if (stage.classList.contains("blur-mode")) {
        var box = [Math.min(start.x, end.x), Math.min(start.y, end.y),
                   Math.max(start.x, end.x), Math.max(start.y, end.y)].map(function (v) {
          return Math.min(1, Math.max(0, v));
        });
        if (box[2] - box[0] > 0.01 && box[3] - box[1] > 0.01) { boxes.push(box); drawBoxes(); }
      } else {
        focal.value = fraction(end.x) + "," + fraction(end.y);
        showMarker();
      }
      start = null;
    });
  }

  function sendWithProgress(form) {
    var progress = form.querySelector("[data-upload-progress]");
    if (!progress || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      var hasFile = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) {
        return i.files && i.files.length;
      });
      if (!hasFile) { return; }  // nothing large to send: the plain submit is fine
      event.preventDefault();
      var bar = progress.querySelector("[data-upload-bar]");
      var request = new XMLHttpRequest();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
      progress.classList.remove("d-none");
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.style.width = percent + "%";
        progress.setAttribute("aria-valuenow", String(percent));
      });
      request.addEventListener("load", function () {
        // Show the page the server answered with (after its redirect: the item page with the
        // confirmation, which a second request would no longer carry; or the form with errors).
        var url = request.responseURL;
        document.open(); document.write(request.responseText); document.close();
        if (url && window.history && window.history.replaceState) {
          window.history.replaceState(null, "", url);
        }
      });
      request.addEventListener("error", function () { form.submit(); });
      request.open("POST", form.action);
      request.send(data);
    });
  }

  function init() {
    document.querySelectorAll("[data-image-tools]").forEach(setup);
    document.querySelectorAll("form[data-upload-form]").forEach(sendWithProgress);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
