// Batch uploader: many RAP sheets in parallel, or large DOJ files in resumable 8 MB pieces.
(function () {
  "use strict";
  const box = document.getElementById("uploader");
  if (!box) return;
  const kind = box.dataset.kind;
  const csrf = box.dataset.csrf;
  const status = document.getElementById("upload-status");
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("file-input");
  const PARALLEL = 4;
  const CHUNK = 8 * 1024 * 1024;
  let pending = 0;

  function row(file) {
    const line = document.createElement("div");
    line.className = "upload-row";
    line.dataset.name = file.name;
    line.innerHTML = '<span class="name"></span> <progress max="100" value="0"></progress> <span class="state">waiting</span>';
    line.querySelector(".name").textContent = file.name;
    status.appendChild(line);
    return {
      progress: (p) => { line.querySelector("progress").value = p; },
      state: (text, cls) => { const s = line.querySelector(".state"); s.textContent = text; s.className = "state badge " + (cls || ""); },
    };
  }

  function post(url, body, headers, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      Object.entries(headers || {}).forEach(([k, v]) => xhr.setRequestHeader(k, v));
      if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = { error: xhr.statusText }; }
        (xhr.status >= 200 && xhr.status < 300 ? resolve : reject)({ status: xhr.status, data });
      };
      xhr.onerror = () => reject({ status: 0, data: { error: "network error" } });
      xhr.send(body);
    });
  }

  async function sendWhole(file, ui) {
    const form = new FormData();
    form.append("file", file);
    const { data } = await post(box.dataset.uploadUrl, form, {}, (p) => ui.progress(Math.round(p * 100)));
    return data;
  }

  async function sendChunked(file, ui) {
    const start = new FormData();
    start.append("name", file.name);
    start.append("size", String(file.size));
    let { data } = await post(box.dataset.chunkedUrl, start);
    const putUrl = `/uploads/chunked/${data.upload}/`;
    let received = data.received;
    if (file.size === 0) {
      ({ data } = await post(putUrl, new Blob([]), { "X-Upload-Offset": "0" }));
      return data;
    }
    while (received < file.size) {
      const piece = file.slice(received, Math.min(received + CHUNK, file.size));
      try {
        ({ data } = await post(putUrl, piece, { "X-Upload-Offset": String(received), "Content-Type": "application/octet-stream" }));
      } catch (failure) {
        if (failure.status === 409 && failure.data.received !== undefined) { received = failure.data.received; continue; }
        throw failure;
      }
      received = data.received;
      ui.progress(Math.round((100 * received) / file.size));
    }
    return data;
  }

  async function upload(file) {
    const ui = row(file);
    ui.state("uploading");
    try {
      const data = kind === "doj" ? await sendChunked(file, ui) : await sendWhole(file, ui);
      ui.progress(100);
      ui.state(data.status === "duplicate" ? "already received" : "received", data.status === "duplicate" ? "warn" : "ok");
    } catch (failure) {
      ui.state("failed: " + ((failure.data && failure.data.error) || "upload error"), "error");
    }
  }

  async function uploadAll(fileList) {
    const queue = Array.from(fileList);
    pending += queue.length;
    const workers = Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      while (queue.length) { await upload(queue.shift()); pending -= 1; }
    });
    await Promise.all(workers);
    if (window.htmx) htmx.trigger("#progress", "refresh");
  }

  input.addEventListener("change", () => uploadAll(input.files));
  ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.remove("over"); }));
  zone.addEventListener("drop", (e) => uploadAll(e.dataTransfer.files));

  document.getElementById("close-batch").addEventListener("click", async () => {
    if (pending > 0 && !confirm(pending + " file(s) are still uploading. Finish anyway?")) return;
    await post(box.dataset.closeUrl, new FormData());
    window.location.reload();
  });
})();
