// FlowWeb's script: the reader's settings (time zone, UTC switch, colour scheme), copying text, and the graphs'
// hover values and drag-to-zoom. Hover and zoom run in the browser alone: a page costs the server nothing while a
// reader moves the mouse; the server sends each graph's values once, with the drawing (data-values on the svg).
window.flowweb = (function () {
    "use strict";

    const store = {
        get: function (key) {
            try { return window.localStorage.getItem("flowweb." + key); } catch { return null; }
        },
        set: function (key, value) {
            try { window.localStorage.setItem("flowweb." + key, value); } catch { /* private mode: not remembered */ }
        }
    };

    // ---- Settings the server cannot know: asked once per page load by the layout ----
    function settings() {
        let zone = "UTC";
        try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { /* very old browser */ }
        return {
            timeZone: zone,
            offsetMinutes: -new Date().getTimezoneOffset(),
            utc: store.get("utc") === "1",
            theme: store.get("theme") || "system",
            systemDark: !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches)
        };
    }

    function remember(key, value) {
        store.set(key, String(value));
    }

    // ---- Clipboard. The Clipboard API exists only in secure contexts (https or localhost); FlowWeb is usually
    // opened over plain http on a LAN, so fall back to execCommand. ----
    async function copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            try {
                await navigator.clipboard.writeText(text);
                return true;
            } catch {
                // fall through to the fallback
            }
        }
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        let copied = false;
        try {
            copied = document.execCommand("copy");
        } catch {
            copied = false;
        }
        document.body.removeChild(area);
        return copied;
    }

    // ---- Graph hover: the values of every series at the point under the mouse ----
    const formatters = new Map();

    function timeText(ms, zone, stepMs) {
        const key = zone + (stepMs < 60000 ? "s" : "m") + (stepMs >= 86400000 ? "d" : "");
        let format = formatters.get(key);
        if (!format) {
            const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit" };
            if (stepMs < 60000) { options.second = "2-digit"; }
            try {
                format = new Intl.DateTimeFormat("sv-SE", Object.assign({ timeZone: zone.startsWith("UTC+") || zone.startsWith("UTC-") ? undefined : zone }, options));
            } catch {
                format = new Intl.DateTimeFormat("sv-SE", Object.assign({ timeZone: "UTC" }, options));
            }
            formatters.set(key, format);
        }
        return format.format(new Date(ms));
    }

    // Three significant digits with thousands separators, as FlowFormat.Number does on the server.
    function number(v) {
        const a = Math.abs(v);
        const digits = a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : 2;
        return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }

    function chartData(chart) {
        const svg = chart.querySelector("svg[data-values]");
        if (!svg) { return null; }
        const raw = svg.getAttribute("data-values");
        if (chart._flowwebRaw !== raw) {
            chart._flowwebRaw = raw;
            chart._flowwebValues = raw ? raw.split(";").map(function (s) { return s.split(",").map(Number); }) : [];
        }
        return chart._flowwebValues;
    }

    function hover(chart, plot, clientX) {
        const values = chartData(chart);
        const points = Number(chart.dataset.points);
        const tip = plot.querySelector(".traffic-chart-hover");
        const cursor = plot.querySelector(".traffic-chart-cursor");
        if (!values || !tip || points < 2) { return; }
        const box = plot.getBoundingClientRect();
        const fraction = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
        const index = Math.round(fraction * (points - 1));
        const x = (index / (points - 1)) * box.width;
        const legend = chart.nextElementSibling ? chart.nextElementSibling.querySelectorAll("span[data-color]") : [];
        const unit = chart.dataset.unit;
        const step = Number(chart.dataset.step);
        const provisional = Number(chart.dataset.provisional);
        tip.textContent = "";
        const line = function (color, name, value, className) {
            const row = document.createElement("div");
            if (className) { row.className = className; }
            const swatch = document.createElement("i");
            if (color) { swatch.style.background = color; }
            const label = document.createElement("span");
            label.textContent = name;
            const figure = document.createElement("b");
            figure.textContent = number(value) + " " + unit;
            row.append(swatch, label, figure);
            tip.appendChild(row);
        };
        const when = document.createElement("div");
        when.className = "when";
        when.textContent = timeText(Number(chart.dataset.start) + index * step, chart.dataset.zone, step);
        tip.appendChild(when);
        let sum = 0;
        values.forEach(function (series, s) {
            const v = series[index] || 0;
            sum += v;
            line(legend[s] ? legend[s].dataset.color : "", legend[s] ? legend[s].textContent : "Series " + (s + 1), v, "");
        });
        if (chart.dataset.stacked === "true" && values.length > 1) {
            line("", "Sum", sum, "sum");
        }
        if (provisional >= 0 && index >= provisional) {
            const note = document.createElement("div");
            note.className = "note";
            note.textContent = "still filling";
            tip.appendChild(note);
        }
        tip.style.display = "block";
        cursor.style.display = "block";
        cursor.style.left = x + "px";
        const right = x > box.width / 2;
        tip.style.left = right ? "" : (x + 12) + "px";
        tip.style.right = right ? (box.width - x + 12) + "px" : "";
        tip.dataset.index = String(index);
    }

    function hideHover(plot) {
        const tip = plot.querySelector(".traffic-chart-hover");
        const cursor = plot.querySelector(".traffic-chart-cursor");
        if (tip) { tip.style.display = "none"; }
        if (cursor) { cursor.style.display = "none"; }
    }

    // ---- Zoom: drag across a zoomable graph; the chart's .NET side turns fractions into a time span ----
    const zoomTargets = new WeakMap();
    let drag = null;

    function chartZoom(element, dotnet) {
        if (element) { zoomTargets.set(element, dotnet); }
    }

    function fractionAt(plot, clientX) {
        const box = plot.getBoundingClientRect();
        return Math.min(1, Math.max(0, (clientX - box.left) / box.width));
    }

    function drawSelection(plot, a, b) {
        const selection = plot.querySelector(".traffic-chart-selection");
        if (!selection) { return; }
        const left = Math.min(a, b), right = Math.max(a, b);
        selection.style.display = "block";
        selection.style.left = (left * 100) + "%";
        selection.style.width = ((right - left) * 100) + "%";
    }

    document.addEventListener("mousemove", function (e) {
        const plot = e.target && e.target.closest ? e.target.closest(".traffic-chart-plot") : null;
        if (drag) {
            drawSelection(drag.plot, drag.from, fractionAt(drag.plot, e.clientX));
        }
        if (plot) {
            hover(plot.closest(".traffic-chart"), plot, e.clientX);
        }
        document.querySelectorAll(".traffic-chart-plot").forEach(function (p) { if (p !== plot) { hideHover(p); } });
    }, { passive: true });

    document.addEventListener("mousedown", function (e) {
        const plot = e.target && e.target.closest ? e.target.closest(".traffic-chart.zoomable .traffic-chart-plot") : null;
        if (!plot || e.button !== 0) { return; }
        e.preventDefault();
        drag = { plot: plot, chart: plot.closest(".traffic-chart"), from: fractionAt(plot, e.clientX) };
    });

    document.addEventListener("mouseup", function (e) {
        if (!drag) { return; }
        const current = drag;
        drag = null;
        const to = fractionAt(current.plot, e.clientX);
        const selection = current.plot.querySelector(".traffic-chart-selection");
        if (selection) { selection.style.display = "none"; }
        const width = Math.abs(to - current.from) * current.plot.getBoundingClientRect().width;
        const dotnet = zoomTargets.get(current.chart);
        if (dotnet && width >= 6) {
            dotnet.invokeMethodAsync("ZoomAsync", current.from, to);
        }
    });

    return { settings: settings, remember: remember, copyText: copyText, chartZoom: chartZoom };
})();
