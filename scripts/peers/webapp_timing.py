"""Times fathom's web app and a Streamlit app in headless Chromium, through WebDriver.

Two numbers per app, both read in the page with the Performance API:

  first answer  navigation start (performance.timeOrigin, i.e. performance.now() == 0) to the
                frame that first shows the prediction (label and probabilities); measured both on a cold cache
                (the browser cache cleared before each navigation) and on a warm one.
  update        the user's last action on an input to the frame that shows the new answer.
                Both apps: the number field is typed into with WebDriver's send-keys and
                Enter pressed; the clock starts at that Enter's keydown (a st.number_input
                commits on Enter or blur, not per keystroke).
                fathom also: the field's value set by script and an `input` event dispatched,
                as a keystroke does (the app predicts after a 150 ms pause in typing), and its
                slider, dragged the same way (60 ms pause).

"Shown" is detected by a MutationObserver that the page gets before any of its own scripts
run (CDP Page.addScriptToEvaluateOnNewDocument). It watches two texts: the label, and the
last class's probability (the last part of the answer either app draws). When both are first
non-empty (first answer), or both differ from what they were before the change (update), it
waits for the next requestAnimationFrame and reads performance.now() there: the frame that
paints them.
The same observer and the same rule serve both apps. Inputs alternate between two values
that give different labels, so every change changes the text.

Talks WebDriver as plain HTTP+JSON (requests), to a chromedriver the caller started:

  python webapp_timing.py --webdriver http://127.0.0.1:9515 \\
      --fathom http://127.0.0.1:8000/ --streamlit http://127.0.0.1:8501/ \\
      --navigations 20 --changes 50 --label "debug build" [--json out.json]
"""

import argparse
import json
import statistics
import sys
import time

import requests

CHROMIUM = "/usr/bin/chromium"
ENTER = "\ue007"
CONTROL = "\ue009"
RELEASE = "\ue000"  # releases the modifier keys held by send-keys

# Which input is changed, and the two values it alternates between: with the other inputs
# at their defaults, petal_length 6.5 gives virginica and 1.5 versicolor.
FEATURE = "petal_length"
VALUES = ["6.5", "1.5"]

# The observer, installed in every new document before its own scripts: given the selectors
# of the label and of the probabilities' texts, window.__bench collects the times.
OBSERVER = r"""
(() => {
  const [labelSel, probSel] = %s;
  const b = window.__bench = { first: null, firstText: null, arm: null, t0: null, t1: null, text: null };
  // [the label, the last class's probability]: the last is drawn last, so when both have
  // changed the whole answer has.
  const last = (sel) => { const all = document.querySelectorAll(sel); return all.length ? all[all.length - 1].textContent.trim() : ''; };
  b.read = () => [last(labelSel), last(probSel)];
  let pending = false;
  const check = () => {
    if (pending) return;
    const t = b.read();
    if (b.first === null && t[0] && t[1]) {
      pending = true;
      requestAnimationFrame(() => { b.first = performance.now(); b.firstText = t.join(' | '); pending = false; check(); });
      return;
    }
    if (b.arm !== null && b.t0 !== null && b.t1 === null && t[0] && t[1] && t[0] !== b.arm[0] && t[1] !== b.arm[1]) {
      pending = true;
      requestAnimationFrame(() => { b.t1 = performance.now(); b.text = t.join(' | '); pending = false; });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  // Streamlit's clock starts at the Enter that commits a number input.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && b.arm !== null && b.t0 === null) b.t0 = performance.now();
  }, true);
})();
"""


class WebDriver:
    """The few W3C WebDriver commands this needs, plus chromedriver's CDP passthrough."""

    def __init__(self, url: str, timeout: float):
        self.url = url.rstrip("/")
        self.timeout = timeout
        caps = {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"script": int(timeout * 1000) + 5000, "pageLoad": int(timeout * 1000)},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-extensions", "--no-first-run", "--window-size=1280,1000",
                         "--disable-background-networking", "--disable-renderer-backgrounding",
                         "--disable-background-timer-throttling"],
            },
        }
        r = self._call("POST", "/session", {"capabilities": {"alwaysMatch": caps}}, base=True)
        self.session = r["sessionId"]
        self.browser = r["capabilities"].get("browserVersion", "?")

    def _call(self, method, path, body=None, base=False):
        url = self.url + (path if base else f"/session/{self.session}{path}")
        r = requests.request(method, url, json=body if body is not None else ({} if method == "POST" else None),
                             timeout=self.timeout + 10)
        value = r.json().get("value")
        if r.status_code != 200:
            raise RuntimeError(f"WebDriver {method} {path}: {r.status_code} {value}")
        return value

    def get(self, url):
        self._call("POST", "/url", {"url": url})

    def script(self, js, *args):
        return self._call("POST", "/execute/sync", {"script": js, "args": list(args)})

    def async_script(self, js, *args):
        return self._call("POST", "/execute/async", {"script": js, "args": list(args)})

    def cdp(self, cmd, params=None):
        return self._call("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params or {}})

    def find(self, css):
        r = self._call("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(r.values()))

    def send_keys(self, element, text):
        self._call("POST", f"/element/{element}/value", {"text": text})

    def quit(self):
        try:
            self._call("DELETE", "")
        except Exception:
            pass


# Waits (in the page) until window.__bench[key] is set; answers it, or null after the timeout.
WAIT = r"""
const [key, ms] = [arguments[0], arguments[1]];
const done = arguments[arguments.length - 1];
const end = performance.now() + ms;
(function poll() {
  const b = window.__bench;
  if (b && b[key] !== null) return done(b);
  if (performance.now() > end) return done({ timedOut: true, bench: b || null, text: b ? b.read() : null, url: location.href });
  setTimeout(poll, 5);
})();
"""

ARM = "const b = window.__bench; b.t0 = null; b.t1 = null; b.text = null; b.arm = b.read(); return b.arm.join(' | ');"

# fathom: set the field (or its slider) and dispatch `input`, the clock starting just before.
FATHOM_CHANGE = r"""
const [name, value, slider] = [arguments[0], arguments[1], arguments[2]];
const field = document.querySelector('#form [name="' + name + '"]');
const el = slider ? field.parentElement.querySelector('input[type=range]') : field;
el.value = value;
window.__bench.t0 = performance.now();
el.dispatchEvent(new Event('input', { bubbles: true }));
"""


class App:
    def __init__(self, name, url, answer_css):
        self.name, self.url = name, url
        self.answer_css = answer_css  # [the label, the probabilities' texts (the last one is used)]

    def change(self, wd, value, mode):
        raise NotImplementedError


class Fathom(App):
    def __init__(self, url):
        super().__init__("fathom", url, ["#answer", "#result .bars .pct"])
        self.field = None

    def change(self, wd, value, mode):
        if mode == "enter":
            if self.field is None:
                self.field = wd.find(f'#form [name="{FEATURE}"]')
            # As for Streamlit: select all, type, Enter; the clock starts at Enter's keydown.
            wd.send_keys(self.field, CONTROL + "a" + RELEASE + value + ENTER)
        else:
            wd.script(FATHOM_CHANGE, FEATURE, value, mode == "slider")


class Streamlit(App):
    def __init__(self, url):
        super().__init__("Streamlit", url, ['[data-testid="stMetricValue"]', '[data-testid="stProgress"] [data-testid="stMarkdownContainer"]'])
        self.field = None

    def change(self, wd, value, mode):
        if self.field is None:
            self.field = wd.find(f'[data-testid="stNumberInput"] input[aria-label="{FEATURE}"]')
        # Select all, type the value, Enter: what a person does; the keydown of Enter starts the clock.
        wd.send_keys(self.field, CONTROL + "a" + RELEASE + value + ENTER)


def navigate(wd, app, cold, timeout):
    wd.get("about:blank")
    if cold:
        wd.cdp("Network.clearBrowserCache")
    wd.get(app.url)
    b = wd.async_script(WAIT, "first", int(timeout * 1000))
    if b.get("timedOut"):
        raise RuntimeError(f"{app.name}: no answer within {timeout:.0f} s of navigating to {app.url}: {b}")
    return b["first"], b["firstText"]


def update(wd, app, value, mode, timeout):
    before = wd.script(ARM)
    app.change(wd, value, mode)
    b = wd.async_script(WAIT, "t1", int(timeout * 1000))
    if b.get("timedOut"):
        raise RuntimeError(f"{app.name}: the answer did not change within {timeout:.0f} s of setting {FEATURE}={value}: {b}")
    if b["t0"] is None:
        raise RuntimeError(f"{app.name}: no start time recorded for the change")
    return b["t1"] - b["t0"], before, b["text"]


def measure(args, app, modes):
    """One browser (fresh profile) per app: its navigations, then its input changes."""
    out = {"cold": [], "warm": [], "first_text": None}
    wd = WebDriver(args.webdriver, args.timeout)
    deadline = time.monotonic() + args.budget
    try:
        out["browser"] = wd.browser
        wd.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER % json.dumps(app.answer_css)})
        wd.cdp("Network.enable")
        navigate(wd, app, True, args.timeout)  # not counted: the server's first session (Streamlit imports, loads the model)
        for i in range(args.navigations * 2):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{app.name}: over the {args.budget:.0f} s budget during navigations")
            cold = i % 2 == 0  # alternate, so both kinds see the same conditions
            ms, text = navigate(wd, app, cold, args.timeout)
            out["cold" if cold else "warm"].append(ms)
            out["first_text"] = text
        if isinstance(app, Fathom):
            marks = wd.script("return performance.getEntriesByName('fathom-first-answer').map(e => e.startTime);")
            out["own_first_mark"] = marks[0] if marks else None
        k = 0  # counts across modes, so each change flips the value (and the label) the page shows
        for mode in modes:
            samples, texts = [], set()
            for _ in range(args.changes):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{app.name}: over the {args.budget:.0f} s budget during changes")
                ms, before, after = update(wd, app, VALUES[k % 2], mode, args.timeout)
                k += 1
                samples.append(ms)
                texts.add(after.split(" | ")[0])
                time.sleep(args.settle)  # let the app finish what follows an answer (fathom's sweep, Streamlit's re-run)
            out[mode] = samples
            out[mode + "_labels"] = sorted(texts)
        if isinstance(app, Fathom):
            own = wd.script("return performance.getEntriesByName('fathom-update').map(e => e.duration);")
            out["own_update_measures"] = own
    finally:
        wd.quit()
    return out


def stats(xs):
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, max(0, round(0.9 * len(xs) + 0.5) - 1))]  # nearest-rank
    return statistics.median(xs), p90


def ms(x):
    return f"{x:.0f} ms" if x >= 10 else f"{x:.1f} ms"


def table(args, f, s):
    rows = [
        ("first answer, cold cache", f["cold"], s["cold"]),
        ("first answer, warm cache", f["warm"], s["warm"]),
        ("update after typing a value and Enter (number field)", f["enter"], s["field"]),
    ]
    lines = [
        f"Measured with `scripts/bench-webapp.sh` ({args.label}; headless Chromium {f.get('browser', '?')}, loopback): "
        f"{args.navigations} cold and {args.navigations} warm navigations and {args.changes} input changes per app.",
        "",
        "| what | fathom median | fathom p90 | Streamlit median | Streamlit p90 | Streamlit / fathom (median) |",
        "|---|---|---|---|---|---|",
    ]
    for what, a, b in rows:
        (am, a9), (bm, b9) = stats(a), stats(b)
        lines.append(f"| {what} | {ms(am)} | {ms(a9)} | {ms(bm)} | {ms(b9)} | {bm / am:.1f}× |")
    if f.get("field"):
        am, a9 = stats(f["field"])
        lines.append(f"| update after typing a value, no Enter (fathom only: Streamlit waits for Enter) | {ms(am)} | {ms(a9)} | – | – | – |")
    if f.get("slider"):
        am, a9 = stats(f["slider"])
        lines.append(f"| update after dragging fathom's slider (no Streamlit equivalent measured) | {ms(am)} | {ms(a9)} | – | – | – |")
    lines += [
        "",
        "Both apps' Enter rows start at the Enter that commits the typed value. fathom also predicts "
        "while one types, after a 150 ms pause (60 ms for the slider); those rows include the pause.",
    ]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--webdriver", required=True, help="chromedriver's URL")
    p.add_argument("--fathom", required=True, help="URL of fathom's app")
    p.add_argument("--streamlit", required=True, help="URL of the Streamlit app")
    p.add_argument("--navigations", type=int, default=20, help="navigations of each kind (cold, warm) per app")
    p.add_argument("--changes", type=int, default=50, help="input changes per app and mode")
    p.add_argument("--settle", type=float, default=0.5, help="seconds to wait after each answer")
    p.add_argument("--timeout", type=float, default=20, help="seconds to wait for one answer")
    p.add_argument("--budget", type=float, default=600, help="seconds for all of one app's runs")
    p.add_argument("--label", default="release build", help="how fathom was built, for the table's caption")
    p.add_argument("--json", help="write the raw samples here")
    args = p.parse_args()
    if not (1 <= args.navigations <= 200 and 1 <= args.changes <= 500):
        p.error("--navigations must be 1..200 and --changes 1..500")

    f = measure(args, Fathom(args.fathom), ["enter", "field", "slider"])
    s = measure(args, Streamlit(args.streamlit), ["field"])
    for name, r, mode in (("fathom", f, "enter"), ("Streamlit", s, "field")):
        print(f"{name}: first answer {r['first_text']!r}; labels after changes {r[mode + '_labels']}", file=sys.stderr)
    if f.get("own_update_measures") is not None:
        own = f["own_update_measures"]
        print(f"fathom's own marks: fathom-first-answer {f.get('own_first_mark')} ms (last navigation), "
              f"{len(own)} fathom-update measures, median {statistics.median(own):.1f} ms" if own else "no fathom-update measures",
              file=sys.stderr)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"fathom": f, "streamlit": s}, fh, indent=1)
    print(table(args, f, s))


if __name__ == "__main__":
    main()
