"""Build the docs site and read every page in headless Chromium: `python docs/test_site.py [--shots DIR]`.

The site is built (docs/build.py) from a copy of nbs/ plus one extra page holding a saved matplotlib
figure and an altair chart, so figures and charts are checked even before any notebook saves one.
The extra page also holds a saved `show_doc` entry with the shapes that went wrong before (a dunder
method, a doc link inside its signature, a `__main__.` type). It is served on 127.0.0.1 by a server
started here. Each page must render its title, an API section for each name its module exports, every
figure (no broken image, no PNG of one colour), no markup as text (`<a href`, `__main__.`, `**repr**`),
API headings that match their signatures, unique ids, something under every h2/h3 heading and no
console error; its module named under its title (a reference page), every notebook its text names (`22_results`) a
link, no chart or figure shown as its Python object (`alt.Chart(...)`), no `NoneType` or fastai callback event in a
signature, no figure shrunk past legibility, no SVG chart's text under build.py's CHART_FONT px as shown, each model in its
colour (attnseq's MODEL_COLORS) in every figure whose labels name it (see `legend_colours`), and at 1280 and 800 px no
sideways scrolling: every table and figure within the column. Every page has its own title; the sidebar holds the
groups of build.py's SIDEBAR in order, and a notebook in none of them stops the build. Searches must find their pages without errors; the attention explorer must draw its
first map within 3 s, another map when its widgets change, say when a choice has no run, and show in
its page's iframe; and no request may go to any host but 127.0.0.1 (Chromium is also told to resolve no other host, so nothing leaves the machine even on failure).
`--site DIR` tests a site built before (`_docs`, or a copy with a defect put in) instead of building one: the
build's own checks and the extra page's are skipped. Ends with `N passed, N failed`; exits non-zero on any failure.
"""
import argparse, base64, dataclasses, functools, html, http.server, importlib, inspect, io, json, re, shutil, sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import nbformat
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import CHART_FONT, ROOT, SIDEBAR, build, sidebar_groups, site_pages, svg_font_px

CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'
CHECK_NB = 'zz_site_check.ipynb'  # sorts last, and its name has no `_`, so nbdev publishes it
CHECK_SIDEBAR = SIDEBAR + (('Site check', (CHECK_NB.removesuffix('.ipynb'),)),)  # the sidebar of the test's build

def check_notebook()->nbformat.NotebookNode:
    "A page with a saved matplotlib PNG and an altair chart, as Jupyter saves them, each with two models in their colours."
    import altair as alt, matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from attnseq.report import LABELS, model_color, model_color_scale
    fig, ax = plt.subplots(figsize=(4, 2))  # two models in their colours, in a legend: the colour check reads them
    for m in ('cnn', 'attention'): ax.plot([0, 1, 0, 2][::1 if m == 'cnn' else -1], color=model_color(m), label=LABELS[m])
    ax.legend(fontsize='small'); buf = io.BytesIO()
    fig.savefig(buf, format='png'); plt.close(fig)
    png = nbformat.v4.new_output('display_data', {'image/png': base64.b64encode(buf.getvalue()).decode(), 'text/plain': '<Figure>'})
    chart = alt.Chart(alt.Data(values=[{'x': i, 'y': i*i + k, 'model': LABELS[m]} for k, m in enumerate(('cnn', 'lstm')) for i in range(5)])
                      ).mark_line().encode(x='x:Q', y='y:Q', color=alt.Color('model:N', scale=model_color_scale(['cnn', 'lstm'])))
    major = alt.SCHEMA_VERSION.split('.')[0]  # 'v6': altair 6 saves application/vnd.vegalite.v6+json
    # the same chart as altair's html renderer saves it: HTML only, the spec inside a script that loads vega from a CDN
    with alt.renderers.enable('html'): html_only = chart._repr_mimebundle_()
    html_only = {'text/html': html_only['text/html'], 'text/plain': 'alt.Chart(...)'}
    bundle = {f'application/vnd.vegalite.{major}+json': chart.to_dict(), 'text/plain': 'alt.Chart(...)',
              # a CDN loader, as altair's HTML renderer saves one: the build must drop it
              'text/html': '<div id="vis"></div><script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'}
    # a show_doc entry as nbdev saves it (`#| output: asis`): a dunder name, a doc link inside the signature's
    # code block, a type of the notebook's own module shown as `__main__.`; and a name that is its own slug
    doc = ('---\n\n[source](https://github.com/attnseq/attnseq/blob/main/attnseq/data.py#L1){target="_blank" '
           'style="float:right; font-size:smaller"}\n\n### Widget.__repr__\n\n```python\ndef __repr__(\n'
           '    other:__main__.Widget | None=None, # a [`Widget`](https://attnseq.github.io/attnseq/zz_site_check.html#widget)\n'
           '):\n```\n\n*The readable form of a [`Widget`](https://attnseq.github.io/attnseq/zz_site_check.html#widget).*')
    widget = '---\n\n### Widget\n\n```python\ndef Widget(\n    size:int=1, # how big\n):\n```\n\n*A widget, found by a search for its name.*'
    showdoc = [nbformat.v4.new_code_cell('#| output: asis\nwidget_doc  # the markdown show_doc saved', outputs=[nbformat.v4.new_output(
                   'display_data', {'text/markdown': md, 'text/plain': '<nbdev.showdoc.BasicMarkdownRenderer>'})])
               for md in (widget, doc)]
    cells = [nbformat.v4.new_markdown_cell('# Site check\n\n> A figure and a chart, as saved outputs'),
             nbformat.v4.new_code_cell('plt.plot(...)', outputs=[png]),
             nbformat.v4.new_code_cell('chart', outputs=[nbformat.v4.new_output('execute_result', bundle, execution_count=1)]),
             nbformat.v4.new_markdown_cell('The chart again, as the html renderer saves it (`22_results` has more):'),
             nbformat.v4.new_code_cell('chart', outputs=[nbformat.v4.new_output('execute_result', html_only, execution_count=2)]),
             *showdoc]
    return nbformat.v4.new_notebook(cells=cells, metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}})

def expected(nb_path:Path)->dict:
    "What a notebook's page must show: its exported functions' and classes' API sections, its saved figures."
    nb, names, module = nbformat.read(nb_path, as_version=4), [], None
    for c in nb.cells:
        if c.cell_type == 'code' and c.source.startswith('#| default_exp'):
            module = f'attnseq.{c.source.split()[2]}'
            mod = importlib.import_module(module)
            # nbdev documents each exported function and class (constants get no `show_doc`)
            names = [n for n in getattr(mod, '__all__', [])
                     if inspect.isfunction(getattr(mod, n)) or inspect.isclass(getattr(mod, n))]
    # a figure or chart; an altair chart saved as HTML only has `vegaEmbed` in its script
    figs = sum(any(k.startswith(('image/', 'application/vnd.vega')) for k in o.get('data', {})) or 'vegaEmbed' in str(o.get('data', {}).get('text/html', ''))
               for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []))
    # a dataclass's fields with a comment in its source: its signature on the page shows each (nbdev's docments)
    from fastcore.docments import docments
    fields = {n: [d for d in docments(getattr(mod, n)).values() if d] for n in names
              if dataclasses.is_dataclass(getattr(mod, n))} if module else {}
    return {'names': names, 'figures': figs, 'module': module, 'fields': {n: f for n, f in fields.items() if f}}

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

def serve(folder:Path):
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv

def browser(profile:Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
              '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
              '--window-size=1280,1400', f'--user-data-dir={profile}',
              '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']:  # no other host resolves
        o.add_argument(a)
    # the performance log lists every request the page makes, including blocked ones
    o.set_capability('goog:loggingPrefs', {'performance': 'ALL', 'browser': 'ALL'})
    return webdriver.Chrome(options=o, service=Service(CHROMEDRIVER))

def requests_made(driver)->list:
    msgs = (json.loads(e['message'])['message'] for e in driver.get_log('performance'))
    return [m['params']['request']['url'] for m in msgs if m['method'] == 'Network.requestWillBeSent']

PAGE_JS = """
const art = document.querySelector('article'), all = [...art.querySelectorAll('*')];
const imgs = [...art.querySelectorAll('img')];
const isHeading = e => /^H[1-6]$/.test(e.tagName);
const headingText = h => h.textContent.replace(/[#¶]/g, '').trim();
// something a reader sees: an element with text of its own, or a picture with a size
const shown = e => e.getClientRects().length > 0 && (
    ['IMG', 'svg', 'CANVAS', 'VIDEO', 'IFRAME'].includes(e.tagName) && e.getBoundingClientRect().width > 0 ||
    [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()));
// h2/h3 sections with nothing shown between their heading and the next heading (of any level)
const empty = all.flatMap((h, i) => {
    if (!['H2', 'H3'].includes(h.tagName)) return [];
    for (const e of all.slice(i + 1)) {
        if (h.contains(e)) continue;
        if (isHeading(e)) break;
        if (shown(e)) return [];
    }
    return [`${h.tagName.toLowerCase()} ${headingText(h)}`];
});
const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
return {title: art.querySelector('h1')?.textContent ?? '',
        headings: [...art.querySelectorAll('h1, h2, h3, h4')].map(headingText),
        ids: ids, duplicate_ids: [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))],
        links: [...art.querySelectorAll('a[href]')].map(a => a.href)
               .filter(h => h.startsWith(location.origin) && h.includes('#')),
        images: imgs.length, broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
        srcs: imgs.map(i => i.src),
        text: art.innerText,
        module_line: art.querySelector('p.module')?.innerText ?? '',
        // inline code outside links and code blocks (a notebook's name there should be a link)
        inline_code: [...art.querySelectorAll('code')].filter(c => !c.closest('a, pre')).map(c => c.textContent.trim()),
        output_text: [...art.querySelectorAll('.cell_output')].map(e => e.innerText).join('\\n'),
        // each picture: its file's width, and the width it is shown at
        figures: imgs.map(i => [i.src, i.naturalWidth, i.getBoundingClientRect().width]),
        // show_doc entries: the heading of the signature's section, and the signature
        signatures: [...art.querySelectorAll('.signature')].map(s => [headingText(s.closest('section')?.querySelector('h1, h2, h3, h4, h5, h6') ?? s), s.innerText]),
        styled_headings: [...art.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(h => h.querySelector('strong, em')).map(h => h.innerHTML),
        bold: [...art.querySelectorAll('strong')].map(b => b.textContent.trim()),
        empty_sections: empty,
        // tables: no header row left empty but for its first cell (a pandas index's name), no NaN cell
        table_faults: [...art.querySelectorAll('table')].flatMap(t => [
            ...[...t.querySelectorAll('thead tr')].filter(r => r.children.length > 1 && [...r.children].slice(1).every(c => !c.textContent.trim())).map(() => 'an empty header row'),
            ...[...t.querySelectorAll('td')].filter(c => ['NaN', 'nan'].includes(c.textContent.trim())).map(() => 'a NaN cell')])};
"""

# `__repr__` written without backticks is markdown's bold `repr`: these names bold mean an eaten dunder
DUNDERS = {'repr', 'str', 'init', 'post_init', 'call', 'getitem', 'setitem', 'len', 'iter', 'next', 'enter', 'exit',
           'eq', 'hash', 'contains', 'getattr', 'setattr', 'del', 'torch_function'}
# text no page may show: HTML links as text (a doc link inside a code block), nbdev's `__main__.` prefix of a type
MARKUP = [('an HTML link', re.compile(r'<a\s+href|&lt;a\s+href', re.I)), ('`__main__.`', re.compile(r'\b__main__\.'))]
BOLD = re.compile(r'\*\*\w+\*\*')  # markdown's bold left as text, in a heading or a signature
SEARCHES = {'generate_sequences': 'data.html', 'LSTM': 'models.html', 'attention': 'models.html',
            'run_experiment': 'runner.html', 'Widget': CHECK_NB.replace('.ipynb', '.html')}

# a Python object's text where its picture should be: altair's `alt.Chart(...)`, matplotlib's `<Figure size 700x300 ...>`;
# what a training's progress bar leaves: IPython's `<IPython.core.display.HTML object>`, fastprogress's `<div></div>`
OBJECT_TEXT = re.compile(r'\balt\.\w*Chart\(|<Figure size|<matplotlib\.|<Axes\b|<IPython\.core\.|<div></div>')
# fastai's callback events: the names a `Callback`'s methods have, never parameters of a signature a reader calls
EVENTS = re.compile(r'[(,]\s*((?:before|after)_(?:create|fit|epoch|train|batch|pred|loss|backward|step|validate|cancel_\w+))\b')
LEGIBLE = 1.6  # a figure's file may be this many times wider than it is shown: more, and its text shrinks below ~60%
# figures whose text shrinks too much at 1280 px, waiting for a redraw: `page img N` (N: the page's N-th image, from 0).
# Skipped but listed by the legibility check; a figure redrawn to fit leaves this list.
WIDTHS = (1280, 800)  # window widths at which no page may scroll sideways
LAYOUT_JS = """
const art = document.querySelector('article'), col = art.getBoundingClientRect(), page = document.documentElement;
// a table, picture or output: the box a reader sees it in (itself, or the nearest box around it that scrolls)
const box = e => { for (let b = e; b && b !== art; b = b.parentElement)
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(b).overflowX)) return b;
    return e; };
const out = [...art.querySelectorAll('table, img, figure, iframe, .cell_output')].flatMap(e => {
    const r = box(e).getBoundingClientRect();
    return r.width > 0 && (r.left < col.left - 1 || r.right > col.right + 1) ?
        [`${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ')[0] : ''} at ${Math.round(r.left)}-${Math.round(r.right)} px`] : [];
});
return {page: page.scrollWidth, window: page.clientWidth, column: [Math.round(col.left), Math.round(col.right)], out: out};
"""
SIDEBAR_JS = """return [...document.querySelectorAll('.sidebar-tree p.caption')].map(c =>
    [c.textContent.trim(), [...(c.nextElementSibling?.querySelectorAll(':scope > li > a') ?? [])].map(a => a.getAttribute('href'))]);"""

@functools.lru_cache(maxsize=None)
def exceptions()->frozenset:
    "The names of attnseq's exception classes: their signature is `Exception`'s, `(*args, **kwargs)`."
    import pkgutil, attnseq
    mods = [importlib.import_module(f'attnseq.{m.name}') for m in pkgutil.iter_modules(attnseq.__path__)]
    return frozenset(n for m in mods for n, o in vars(m).items()
                     if isinstance(o, type) and issubclass(o, BaseException) and o.__module__.startswith('attnseq'))

def blank(png:bytes)->bool:
    "An image of one colour (or all transparent): a figure with nothing drawn."
    from PIL import Image
    ex = Image.open(io.BytesIO(png)).convert('RGBA').getextrema()
    return all(lo == hi for lo, hi in ex) or ex[3][1] == 0

def one_colour_png()->bytes:
    from PIL import Image
    buf = io.BytesIO(); Image.new('RGB', (40, 20), 'white').save(buf, 'PNG')
    return buf.getvalue()

def blank_images(srcs:list)->list:
    "The PNGs among `srcs` (URLs on the local server, or data: URLs) with nothing drawn."
    out = []
    for src in dict.fromkeys(srcs):
        data = base64.b64decode(src.split(',', 1)[1]) if src.startswith('data:') else urlopen(src).read()
        if data.startswith(b'\x89PNG') and blank(data): out.append(src)
    return out

# Each model keeps one colour, attnseq's MODEL_COLORS, in every figure of the site. A figure's pixels don't say which line is
# which model, so its labels are read: each model's label (LABELS) is drawn as the figure's renderer draws it (matplotlib at the
# PNG's dpi, in a legend's sizes; vl-convert for a chart saved as PNG) and found in the image; the colour beside it is its
# model's: a legend's mark left of it, an axis label's row of marks right of it, a panel title's lines under it. In an SVG chart
# (the build's), the legend's symbols and the marks' data (their `aria-label`) give each label's colour as text.
# What no label beside a colour shows (a figure without its models' names; a title wrapped over two lines) is not read.
PALETTE_ALPHA = 0.55  # a pixel counts for a colour drawn at this opacity or more over white (a lighter one could be any grey)

def _ink(rgb:np.ndarray)->np.ndarray: return 255.0 - rgb.mean(axis=2)

@functools.lru_cache(maxsize=None)
def _mpl_label(text:str, size:float, dpi:float, dx:float, dy:float)->np.ndarray:
    "`text` as matplotlib draws it (black, DejaVu Sans) at `size` pt and `dpi`, shifted by a fraction of a pixel: its ink, cropped."
    import matplotlib; matplotlib.use('Agg')
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    w, h = 1200, 80
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi); FigureCanvasAgg(fig)
    fig.text((10 + dx) / w, (30 + dy) / h, text, fontsize=size, color='black')
    fig.canvas.draw()
    return _crop(_ink(np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)))

@functools.lru_cache(maxsize=None)
def _vega_label(text:str, size:float, scale:float, dx:float, dy:float)->np.ndarray:
    "`text` as vl-convert draws a chart's label (vega's default font) at `size` px and `scale`: its ink, cropped."
    import vl_convert as vlc
    from PIL import Image
    spec = {'$schema': 'https://vega.github.io/schema/vega-lite/v5.json', 'width': 800, 'height': 30,
            'data': {'values': [{'t': text}]}, 'config': {'view': {'stroke': None}},
            'mark': {'type': 'text', 'fontSize': size, 'align': 'left', 'baseline': 'middle', 'color': 'black'},
            'encoding': {'text': {'field': 't'}, 'x': {'value': 10 + dx}, 'y': {'value': 15 + dy}}}
    png = vlc.vegalite_to_png(spec, scale=scale)
    return _crop(_ink(np.asarray(Image.open(io.BytesIO(png)).convert('RGB')).astype(float)))

def _crop(a:np.ndarray)->np.ndarray:
    ys, xs = np.nonzero(a > 8)
    return a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]

class _Matcher:
    "Normalized cross-correlation of templates with one image's ink (the image's transform computed once)."
    def __init__(self, ink:np.ndarray):
        self.ink, (H, W) = ink, ink.shape
        self.f = np.fft.rfft2(ink)
        self.c = np.cumsum(np.cumsum(np.pad(ink, ((1, 0), (1, 0))), 0), 1)
        self.c2 = np.cumsum(np.cumsum(np.pad(ink ** 2, ((1, 0), (1, 0))), 0), 1)
    def __call__(self, t:np.ndarray)->np.ndarray:
        (H, W), (h, w) = self.ink.shape, t.shape
        if h > H or w > W: return np.zeros((1, 1))
        tz = t - t.mean()
        num = np.fft.irfft2(self.f * np.conj(np.fft.rfft2(tz, (H, W))), (H, W))[:H - h + 1, :W - w + 1]
        box = lambda c: c[h:, w:] - c[:-h, w:] - c[h:, :-w] + c[:-h, :-w]
        s, s2 = box(self.c), box(self.c2)
        return num / np.sqrt(np.maximum(s2 - s * s / (h * w), 1e-6) * (tz ** 2).sum())

def _palette_counts(rgb:np.ndarray, palette:dict)->dict:
    "How many pixels of `rgb` each colour of `palette` ({name: '#rrggbb'}) explains, drawn over white at some opacity; 'other' for a coloured pixel none does."
    px = rgb.reshape(-1, 3).astype(float)
    px = px[(px < 250).any(1)]  # the background
    if not len(px): return {}
    best, best_err = np.full(len(px), None, dtype=object), np.full(len(px), np.inf)
    for name, hexc in palette.items():
        c = np.array([int(hexc[i:i + 2], 16) for i in (1, 3, 5)], float)
        d = 255.0 - c
        a = ((255.0 - px) @ d) / max(d @ d, 1e-9)  # the opacity that best explains the pixel
        err = np.abs(255.0 - a[:, None] * d - px).max(1)
        ok = (a >= PALETTE_ALPHA) & (a <= 1.08) & (err <= 14) & (err < best_err)
        best[ok], best_err[ok] = name, err[ok]
    coloured = (px.max(1) - px.min(1)) > 40
    counts = {}
    for name in best[best != None]: counts[name] = counts.get(name, 0) + 1
    if (n := int((coloured & (best == None)).sum())): counts['other'] = n
    return counts

def legend_colours(png:bytes, labels:dict, colours:dict, min_score:float=0.95)->list:
    """The legend entries of a matplotlib figure or a chart vl-convert drew (a PNG): [(model, its label's box, the colour of the mark
    left of the label)], for each model label of `labels` ({model: label}) found in the image whose mark is coloured.
    A label is found by drawing it as the figure's renderer does (matplotlib at the PNG's dpi, or vl-convert) and matching its pixels;
    the colour is the one of `colours` ({model: '#rrggbb'}) that explains most pixels of the mark, 'other' for a colour of none."""
    from PIL import Image
    im = Image.open(io.BytesIO(png))
    dpi = round(im.info.get('dpi', (72, 72))[0])
    rgb = np.asarray(im.convert('RGB')).astype(float)
    match = _Matcher(_ink(rgb))
    if dpi == 72:  # vl-convert's PNG (altair's png renderer): labels of vega's 10 px, or `legible`'s CHART_FONT px
        draws = [(size, lambda t, s, dx, dy: _vega_label(t, s, 1.0, dx, dy)) for size in (10, CHART_FONT)]
    else:  # matplotlib: a legend in 'medium' (10 pt) or 'small' (8.33 pt) type
        draws = [(size, lambda t, s, dx, dy, dpi=dpi: _mpl_label(t, s, dpi, dx, dy)) for size in (10, 10 / 1.2)]
    found = []  # (score, model, x, y, w, h, size in px)
    for model, label in labels.items():
        for size, draw in draws:
            for dx in (0, .25, .5, .75):
                for dy in (0, .25, .5, .75):
                    t = draw(label, size, dx, dy)
                    r = match(t)
                    for y, x in zip(*np.nonzero(r >= min_score)):
                        found.append((float(r[y, x]), model, int(x), int(y), t.shape[1], t.shape[0], size * (dpi / 72 if dpi != 72 else 1)))
    # a label that is the start of another (`CNN` of `CNN + attention`) found where the longer one is: the longer one
    found.sort(key=lambda f: (-f[4], -f[0]))
    kept = []
    for f in found:
        if not any(abs(f[2] - k[2]) <= 2 and abs(f[3] - k[3]) <= 2 for k in kept): kept.append(f)
    out = []
    for score, model, x, y, w, h, px in kept:
        H, W = rgb.shape[:2]
        # where the label's mark is, nearest first: a legend's, left of the label (matplotlib: 2 em long, 0.8 em before the
        # text; vega: a symbol 5 px before it); an axis label's row of marks, right of it; a panel title's lines, below it
        regions = (('legend', rgb[max(0, int(y - 0.3 * h)):int(y + 1.3 * h), max(0, int(x - 2.9 * px)):max(0, int(x - 0.25 * px))]),
                   ('row', rgb[y:y + h, int(x + w + 0.5 * px):]),
                   ('panel', rgb[y + h + 3:int(y + h + 3 + 12 * px), x:x + w]))
        greys = {m: c for m, c in colours.items() if len(set(c[1:].lower()[i:i + 2] for i in (0, 2, 4))) > 1}
        # the text going on after the label: a word after a space (`CNN + scaled` of a title wrapped over two lines) is another
        # text, a sign right after it (`CNN + attention: 0.12 on ...`) only in a legend entry
        # (a column of text's ink spans 3 px or more of the label's rows and stays inside them: an axis's tick after its label,
        # a line 1 px high, and its axis line, running above and below it, are no text)
        cols = slice(x + w + 1, x + w + 1 + int(0.8 * px))
        inside = (_ink(rgb[y:y + h, cols]) > 60).sum(0) >= 3
        through = (_ink(rgb[max(0, y - 3):y, cols]) > 60).any(0) & (_ink(rgb[y + h:y + h + 3, cols]) > 60).any(0)
        after = inside & ~through if inside.size == through.size else inside
        gap = int(np.argmax(after)) if after.any() else None
        for where, region in regions:
            if gap is not None and (where != 'legend' or gap >= 0.2 * px): continue
            # beside a row or under a title lies text too, whose grey edges any grey would explain: there, only the colours count
            counts = _palette_counts(region, colours if where == 'legend' else greys)
            if sum(counts.values()) >= (4 if where == 'legend' else 20): break
        else: continue  # nothing coloured beside it: a label in prose or a title of a figure drawn in black
        out.append((model, (x, y, w, h), where, max(counts, key=counts.get), counts))
    return out

def svg_model_colours(svg:str, labels:dict, colours:dict)->list:
    """The colours a vega SVG gives the models of `labels` ({model: label}): [(model, 'legend' or 'mark', the colour)], from its
    legend entries (a symbol, then its label) and from its marks, whose `aria-label` names their data (`x: 3; model: CNN`)."""
    by_label, out = {l: m for m, l in labels.items()}, []
    entries = re.findall(r'role-legend-symbol"[^>]*>\s*<path[^>]*?\b(?:fill|stroke)="(#[0-9a-fA-F]{6})"[^>]*>.*?'
                         r'role-legend-label"[^>]*>\s*<text[^>]*>([^<]*)</text>', svg, flags=re.S)
    out += [(by_label[html.unescape(t)], 'legend', c.lower()) for c, t in entries if html.unescape(t) in by_label]
    for attrs in re.findall(r'<path ([^>]*\baria-label="[^"]*"[^>]*)>', svg):
        values = [v.split(': ', 1)[-1] for v in html.unescape(re.search(r'aria-label="([^"]*)"', attrs)[1]).split('; ')]
        colour = re.search(r'\b(?:stroke|fill)="(#[0-9a-fA-F]{6})"', attrs)
        out += [(by_label[v], 'mark', colour[1].lower()) for v in values if v in by_label and colour]
    return out

def model_colour_faults(figure:bytes, labels:dict, colours:dict)->tuple:
    "The models a figure (PNG or SVG bytes) draws in another colour than `colours` gives them, and how many of its model labels were read."
    name = {c.lower(): m for m, c in colours.items()}  # whose colour a colour is
    whose = lambda c: f"{c} ({name[c]}'s)" if c in name else c
    if figure.lstrip().startswith(b'<'):
        got = [(m, where, c) for m, where, c in svg_model_colours(figure.decode(), labels, colours)]
    else:  # the colour that explains most of the mark's pixels: a model's, or 'other'
        got = [(m, where, colours[c].lower() if c in colours else c) for m, _, where, c, _ in legend_colours(figure, labels, colours)]
    faults = [f'{m} ({labels[m]!r}) in {whose(c)} by its {where}, not {colours[m]}' for m, where, c in got if c != colours[m].lower()]
    return sorted(set(faults)), len(got)

def colour_figures(right:bool)->tuple:
    "A matplotlib figure (PNG) and an altair chart (SVG, as the build converts it) of two models: in their colours, or in the defaults' (`right=False`)."
    import altair as alt, matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import vl_convert as vlc
    from attnseq.report import LABELS, model_color, model_color_scale
    fig, ax = plt.subplots(figsize=(4, 2.5))
    for i, m in enumerate(('cnn', 'attention')):  # wrong: matplotlib's colour cycle, CNN in attention's blue
        ax.plot([0, 1, 2], [i, i + 1, i], **({'color': model_color(m)} if right else {}), label=LABELS[m])
    ax.legend(loc='upper center', bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False, fontsize='small')
    buf = io.BytesIO(); fig.savefig(buf, format='png', bbox_inches='tight'); plt.close(fig)
    chart = alt.Chart(alt.Data(values=[{'model': LABELS[m], 'x': i, 'y': i * k} for k, m in enumerate(('lstm', 'attention'), 1) for i in range(4)])
                      ).mark_line(point=True).encode(x='x:Q', y='y:Q', color=alt.Color(  # wrong: vega's own scheme
                          'model:N', scale=model_color_scale(['lstm', 'attention']) if right else alt.Undefined))
    return buf.getvalue(), vlc.vegalite_to_svg(chart.to_dict()).encode()

def search(driver, base:str, query:str)->tuple:
    "Search the site for `query`: the results' links, and the console errors once each result's summary is in."
    driver.get(base + 'search.html?q=' + query)
    found, js = [], """const s = document.querySelector('#search-results .search-summary')?.textContent ?? '';
        const items = [...document.querySelectorAll('#search-results li')];
        return [/finished|did not match/i.test(s), items.map(li => li.querySelector('a')?.href),
                items.filter(li => !li.querySelector('.context')).length];"""
    for _ in range(100):  # the search runs in the page's JavaScript after load, each summary is fetched after it
        done, found, waiting = driver.execute_script(js)
        if done and not waiting: break
        time.sleep(0.1)
    return found, console_errors(driver)

def console_errors(driver)->list:
    return [e['message'] for e in driver.get_log('browser')  # (no favicon: Chromium asks for one)
            if e['level'] == 'SEVERE' and '/favicon.ico' not in e['message']]

EXPLORER, EXPLORER_PAGE = 'images/explorer.html', 'attention_explorer.html'  # the explorer, and the story page that embeds it
MAP_CELLS = """return [...document.querySelectorAll('g.mark-rect[class*=attention_map] > path')].map(p => p.getAttribute('aria-label'));"""
NO_RUN = """return [...document.querySelectorAll('g.mark-text text')].map(t => t.textContent).filter(t => t.startsWith('no run'));"""
# set a widget of the chart (vega binds its parameters to inputs named after them) as a reader would, and say so
SET_WIDGET = """const [name, value] = arguments;
const inputs = [...document.querySelectorAll(`.vega-bindings [name="${name}"]`)];
const radio = inputs.find(i => i.type === 'radio' && i.value === String(value));
if (radio) radio.click();  // a click fires the radio's own events
else { inputs[0].value = String(value); for (const e of ['input', 'change']) inputs[0].dispatchEvent(new Event(e, {bubbles: true})); }"""

def map_cells(driver, timeout:float=5, differ_from:list|None=None)->tuple:
    "The attention map's cells as {(output, input): attention}, once drawn (and different from `differ_from`): and the labels."
    t0, labels = time.time(), []
    while time.time() - t0 < timeout:
        labels = driver.execute_script(MAP_CELLS)
        if labels and labels != differ_from: break
        time.sleep(0.05)
    cells = {}
    for label in labels:  # 'output 10–11, input 20–21: 0.0123'
        m = re.fullmatch(r'output (\d+)(?:–\d+)?, input (\d+)(?:–\d+)?: ([\d.]+)', label or '')
        if m: cells[int(m[1]), int(m[2])] = float(m[3])
    return cells, labels

def rows_sum_to_one(cells:dict)->bool:
    "Each output row of a pooled map sums to 1, up to the rounding of its cells (1e-4 each)."
    rows = {}
    for (o, _), v in cells.items(): rows[o] = rows.get(o, 0) + v
    return bool(rows) and all(abs(s - 1) <= 1e-4 * len(rows) for s in rows.values())

LAYOUT = """
const box = s => document.querySelector(s).getBoundingClientRect(), page = document.documentElement;
const widgets = box('#vis .vega-bindings'), chart = box('#vis svg');
return {above: widgets.bottom <= chart.top, wide: Math.max(widgets.right, chart.right) <= page.clientWidth, tall: chart.bottom <= page.clientHeight};
"""  # where the explorer's widgets and chart lie in its window (or frame)

def check_explorer(driver, base:str, check, shots:Path)->list:
    "Load the explorer: its first map within 3 s, a map that changes with the widgets, a line for a choice without a run. The requests it made."
    driver.get(base + EXPLORER)
    cells, labels = map_cells(driver)
    ms = driver.execute_script('return performance.now();')  # since the navigation started
    print(f'     the explorer drew its first map of {len(cells)} cells {ms:.0f} ms after the navigation')
    check(f'{EXPLORER} draws its first map within 3 s ({ms:.0f} ms)', bool(cells) and ms < 3000, f'{len(cells)} cells after {ms:.0f} ms')
    n = round(len(cells) ** 0.5)
    check(f'{EXPLORER} draws a square map whose rows sum to 1', len(cells) == n * n == len(labels) and rows_sum_to_one(cells), labels[:3])
    edges = driver.execute_script("return getComputedStyle(document.querySelector('g.mark-rect[class*=attention_map] > path')).shapeRendering;")
    check(f'{EXPLORER} draws the cells edge to edge (no seams between them)', edges == 'crispedges', edges)  # CSS keywords read back in lower case
    layout = driver.execute_script(LAYOUT)
    check(f'{EXPLORER} sets its widgets above the chart', layout['above'], layout)
    spec = driver.execute_script('return {models: spec.params.find(p => p.name === "model").bind.options, missing: spec.datasets.missing};')
    for name, value in (('sample', 3), ('model', spec['models'][1])):
        driver.execute_script(SET_WIDGET, name, value)
    other, _ = map_cells(driver, differ_from=labels)
    check(f'{EXPLORER} draws another map for another sample and model', bool(other) and other.keys() == cells.keys() and other != cells
          and rows_sum_to_one(other), f'{len(other)} cells')
    driver.save_screenshot(str(shots/'images-explorer.png'))  # not explorer.png: the reference page's screenshot
    if spec['missing']:  # a (task, model, seed) without a run: no map, a line that says so
        task, model, seed = spec['missing'][0]['key'].split('|')
        for name, value in (('task', task), ('model', model), ('seed', seed)): driver.execute_script(SET_WIDGET, name, value)
        t0 = time.time()
        while time.time() - t0 < 5 and not (said := driver.execute_script(NO_RUN)): time.sleep(0.05)
        check(f'{EXPLORER} says when a choice has no run ({task}, {model}, seed {seed})',
              said == [spec['missing'][0]['why']] and not driver.execute_script(MAP_CELLS), said)
        driver.save_screenshot(str(shots/'images-explorer-no-run.png'))
    check(f'{EXPLORER} has no console errors', not (errors := console_errors(driver)), errors)
    urls = requests_made(driver)
    driver.get(base + EXPLORER_PAGE)  # the story page shows it in an iframe
    driver.switch_to.frame(driver.find_element('css selector', 'iframe'))
    framed, _ = map_cells(driver)
    layout = driver.execute_script(LAYOUT)
    driver.switch_to.default_content()
    check(f'{EXPLORER_PAGE} shows the explorer in its iframe', len(framed) == len(cells), f'{len(framed)} cells')
    check(f'{EXPLORER_PAGE} shows the whole explorer in its iframe: the widgets above the chart, nothing cut', all(layout.values()), layout)
    return urls + requests_made(driver)

def column_term(header:str)->str:
    "What a table's column header names, as prose would say it: no units in parentheses, no qualifier after a comma."
    t = re.sub(r'\s+', ' ', header.replace('\u2019', "'").lower())
    t = re.sub(r'\(.*?\)', '', t).split(',')[0].strip()
    return 'l' if re.fullmatch(r'l = \d+', t) else re.sub(r"^attnseq's ", '', t)

def undefined_columns(site:Path, story:list)->list:
    "The column headers of the story pages' tables (in reading order) whose term no prose says on or before their table."
    said, faults = '', []
    for page in story:
        art = (site/page).read_text()
        art = art[art.index('<article'):art.index('</article>')]
        prose = lambda h: re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', ' ', re.sub(r'<table.*?</table>|<pre.*?</pre>', ' ', h, flags=re.S)))
                                 ).replace('\u2019', "'").lower()
        for t in re.finditer(r'<table.*?</table>', art, flags=re.S):
            before = said + ' ' + prose(art[:t.start()])
            for h in re.findall(r'<th[^>]*>(.*?)</th>', t[0], flags=re.S):
                head = html.unescape(re.sub(r'<[^>]+>', '', h)).strip()
                if head and not re.search(rf'(?<!\w){re.escape(column_term(head))}(?:s|es)?(?!\w)', before): faults.append(f'{page}: {head!r}')
        said += ' ' + prose(art)
    return faults

def main(shots:Path, src:Path, built:Path|None=None):
    results = []
    def check(name, ok, detail=''):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + str(detail)}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp).resolve()
        nbs = tmp/'nbs'
        shutil.copytree(src, nbs, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
        check('the empty-figure check tells a PNG of one colour', blank(one_colour_png()))
        from attnseq.report import LABELS, MODEL_COLORS
        read = [model_colour_faults(f, LABELS, MODEL_COLORS) for f in colour_figures(right=True) + colour_figures(right=False)]
        check('the colour check reads a PNG\'s legend and an SVG chart\'s: it passes them in MODEL_COLORS, fails them in the default colours',
              all(n for _, n in read) and not read[0][0] and not read[1][0] and read[2][0] and read[3][0], read)
        colour_cache, colours_read = {}, {}
        def figure_colours(src:str)->tuple:  # a page's figure, read once however many pages show it
            if src not in colour_cache:
                data = base64.b64decode(src.split(',', 1)[1]) if src.startswith('data:') else urlopen(src).read()
                colour_cache[src] = model_colour_faults(data, LABELS, MODEL_COLORS) if data.startswith(b'\x89PNG') or src.endswith('.svg') else ([], 0)
            return colour_cache[src]
        if built:  # a site built before (`--site`): its pages, as the build names them
            site, pages = built.resolve(), site_pages(nbs, built.resolve())
            print(f'testing the site in {site}, built before from {src}: the build\'s own checks are skipped')
        else:
            # a notebook in no group of the sidebar stops the build, saying where to add it (before nbdev's slow processing)
            nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('# Lost')]), nbs/'99_lost.ipynb')
            try: build(nbs, tmp/'lost'); lost = 'it built'
            except SystemExit as e: lost = str(e)
            (nbs/'99_lost.ipynb').unlink()
            check('a notebook in no group of the sidebar stops the build', '99_lost.ipynb: in no group of the sidebar' in lost
                  and 'SIDEBAR in docs/build.py' in lost, lost)
            nbformat.write(check_notebook(), nbs/CHECK_NB)
            t0 = time.time()
            try: pages = build(nbs, tmp/'site', sidebar=CHECK_SIDEBAR)
            except (Exception, SystemExit) as e: pages = e
            finally: (ROOT/'_proc'/CHECK_NB).unlink(missing_ok=True)  # keep nbdev's cache to the real notebooks
            check(f'the site builds, starting no Ray ({time.time()-t0:.1f}s)', isinstance(pages, dict), pages)
            if not isinstance(pages, dict): return summary(results, shots)
            site = tmp/'site'
        check('every notebook has a page', all(p.exists() for p in pages.values()), pages)
        stems = {nb.stem for nb in pages}  # the notebooks' names, which inline code may name
        sidebar = [(c, [pages[nbs/f'{n}.ipynb'].relative_to(site).as_posix() for n in names])
                   for c, names in sidebar_groups(nbs, list(stems), CHECK_SIDEBAR)]
        story = [pages[nbs/f'{n}.ipynb'].relative_to(site).as_posix() for n in dict(SIDEBAR)['The study'] if nbs/f'{n}.ipynb' in pages]
        check(f'every column of the {len(story)} story pages\' tables is named in prose on or before its table',
              not (undefined := undefined_columns(site, story)), undefined)
        pages = {p.relative_to(site).as_posix(): expected(nb) for nb, p in pages.items()}
        titles, legible_faults = {}, []
        srv, driver = serve(site), browser(tmp/'profile')
        base, urls, ids, links, headings = f'http://127.0.0.1:{srv.server_address[1]}/', [], {}, [], {}
        try:
            for html, want in pages.items():
                driver.get(base + html)
                got = driver.execute_script(PAGE_JS)
                urls += requests_made(driver)
                ids[base + html], links, headings[html] = set(got['ids']), links + got['links'], got['headings']
                driver.save_screenshot(str(shots/html.replace('/', '-').replace('.html', '.png')))
                check(f'{html} renders its title', bool(got['title'].strip()), got['title'])
                titles.setdefault(got['title'].replace('¶', '').replace('#', '').strip(), []).append(html)
                if want['module']:
                    line = f"Module: {want['module']} (written from this notebook by nbdev_export)"
                    check(f"{html} names its module {want['module']} under its title", got['module_line'].strip() == line, got['module_line'])
                named = sorted({c for c in got['inline_code'] if re.sub(r'^nbs/|\.ipynb$', '', c) in stems - {'index'} or c.endswith('index.ipynb')})
                check(f'{html} links every notebook its text names', not named, named)
                objects = sorted(set(OBJECT_TEXT.findall(got['output_text'])))
                check(f'{html} shows its charts and figures, not their Python objects', not objects, objects)
                sigs = [sig for _, sig in got['signatures']]
                for cls, docs in want['fields'].items():
                    sig = next((t for t in sigs if t.lstrip().startswith(f'def {cls}(')), '')
                    check(f"{html} shows {cls}'s {len(docs)} field comments in its signature", all(d in sig for d in docs),
                          [d for d in docs if d not in sig][:3])
                check(f'{html} has no NoneType in its {len(sigs)} signatures', not (bad := [s.split('(')[0] for s in sigs if 'NoneType' in s]), bad)
                # a class whose signature is `(*args, **kwargs)`: `__new__` or a base class's, not the arguments it takes
                # (an exception's is `Exception`'s own: a message)
                check(f"{html}'s signatures name their arguments (none is only `*args, **kwargs`)",
                      not (bad := [name for s in sigs if re.search(r'\(\s*\*args\s*,\s*\*\*kwargs\s*\)', s)
                                   and (name := s.split('(')[0].split()[-1]) not in exceptions()]), bad)
                check(f"{html}'s signatures list no fastai callback events as parameters",
                      not (bad := sorted({e for s in sigs for e in EVENTS.findall(s)})), bad)
                for i, (src_, natural, shown) in enumerate(got['figures']):
                    if shown and natural > LEGIBLE * shown:
                        legible_faults.append(f'{html} img {i}: {natural} px wide shown at {shown:.0f} px ({src_.rsplit("/", 1)[-1][:60]})')
                missing = [n for n in want['names'] if n not in got['headings']]
                check(f"{html} has API sections for its {len(want['names'])} exported names", not missing, missing)
                check(f"{html} shows its {want['figures']} figures", got['images'] >= want['figures'] and not got['broken'],
                      f"{got['images']} images, broken: {got['broken']}")
                check(f'{html} has no empty figure', not (b := blank_images(got['srcs'])), b)
                faults, n = [], 0
                for src_ in dict.fromkeys(got['srcs']):
                    f, k = figure_colours(src_); faults += [f"{src_.rsplit('/', 1)[-1][:16]}: {x}" for x in f]; n += k
                    if k: colours_read[src_] = k
                check(f'{html} draws each model in its MODEL_COLORS colour ({n} model labels read in its figures)', not faults, faults)
                small = []  # an SVG chart's smallest text as shown: its size times the width it is shown at over its own
                for src_, natural, shown_ in got['figures']:
                    if src_.endswith('.svg') and shown_ and (font := svg_font_px(urlopen(src_).read().decode())[0]):
                        if font * shown_ / natural < CHART_FONT - 0.05: small.append(f"{src_.rsplit('/', 1)[-1][:16]}: {font:g} px at {shown_:.0f}/{natural} px")
                if svgs := [f for f in got['figures'] if f[0].endswith('.svg')]:
                    check(f'{html}: its {len(svgs)} SVG charts\' text at least {CHART_FONT} px as shown at 1280 px', not small, small)
                shown = [f"{what}: {m[0]!r}" for what, rx in MARKUP if (m := rx.search(got['text']))]
                shown += [f'markdown bold: {t!r}' for t in got['headings'] + [sig for _, sig in got['signatures']] if BOLD.search(t)]
                shown += [f'bold {b!r}: `__{b}__` without backticks?' for b in got['bold'] if b in DUNDERS]
                shown += [f'heading {h!r}' for h in got['styled_headings']]
                check(f'{html} shows no markup as text (links, `__main__.`, bold dunders)', not shown, shown)
                # each API heading names its signature's function (`AttentionLayer.__repr__` for `def __repr__(`)
                wrong = [(h, d[1]) for h, sig in got['signatures'] if (d := re.search(r'\bdef\s+(\w+)\s*\(', sig))
                         and not (h == d[1] or h.endswith('.' + d[1]))]
                check(f"{html}'s {len(got['signatures'])} API headings match their signatures", not wrong, wrong)
                check(f'{html} has unique ids', not got['duplicate_ids'], got['duplicate_ids'])
                check(f'{html} shows something under each of its sections', not got['empty_sections'], got['empty_sections'])
                check(f'{html} has tables without empty header rows or NaN cells', not got['table_faults'], sorted(set(got['table_faults'])))
                check(f'{html} has no console errors', not (errors := console_errors(driver)), errors)
            check(f'each model keeps its one colour (MODEL_COLORS) across the site: {sum(colours_read.values())} model labels read in '
                  f'{len(colours_read)} figures', bool(colours_read) and all(not f for f, _ in colour_cache.values()),
                  sorted(src.rsplit('/', 1)[-1] for src, (f, _) in colour_cache.items() if f) or 'no model label read in any figure')
            check(f'every page has its own title ({len(titles)} titles)', not (same := {t: h for t, h in titles.items() if len(h) > 1}), same)
            check(f'no figure shrinks its text below ~{100 / LEGIBLE:.0f}% at 1280 px (file at most {LEGIBLE}x its shown width)',
                  not legible_faults, legible_faults)
            driver.get(base + 'index.html')
            got = [(c, [h.split('#')[0] for h in hrefs]) for c, hrefs in driver.execute_script(SIDEBAR_JS)]
            check(f"the sidebar lists the pages in SIDEBAR's groups and order ({', '.join(c for c, _ in sidebar)})", got == sidebar, got)
            driver.save_screenshot(str(shots/'sidebar.png'))
            for width in WIDTHS:  # a wide table scrolls in its own box, a picture fits: the page never scrolls sideways
                driver.set_window_size(width, 1400)
                for html in pages:
                    driver.get(base + html)
                    lay = driver.execute_script(LAYOUT_JS)
                    check(f"{html} at {width} px: nothing wider than the window ({lay['page']} <= {lay['window']} px), every table and figure "
                          f"within the column", lay['page'] <= lay['window'] and not lay['out'], lay)
                    if width != 1280: driver.save_screenshot(str(shots/html.replace('/', '-').replace('.html', f'-{width}.png')))
                urls += requests_made(driver)
            driver.set_window_size(1280, 1400)
            check_page = CHECK_NB.replace('.ipynb', '.html')
            if check_page in headings:
                check(f'{check_page} shows the dunder method `Widget.__repr__` by its name',
                      'Widget.__repr__' in headings[check_page], headings[check_page])
            # nbdev's doc links (`data.html#generate_sequences`) land on a section of a page of the site
            dead = sorted({l for l in links if l.split('#')[1] not in ids.get(l.split('#')[0], ())})
            check(f'all {len(links)} links to sections of the site resolve', not dead, dead)
            if EXPLORER_PAGE in pages: urls += check_explorer(driver, base, check, shots)
            for query, page in SEARCHES.items():
                if page not in pages: continue  # the check page, in a site built before (`--site`)
                found, errors = search(driver, base, query)
                driver.save_screenshot(str(shots/f'search-{query}.png'))
                check(f'search finds {query} on {page}', any(urlparse(u).path.endswith('/' + page) for u in found), found)
                check(f'search for {query} raises no console error', not errors, errors)
                urls += requests_made(driver)
            outside = sorted({u for u in urls if urlparse(u).scheme in ('http', 'https', 'ws', 'wss')
                              and urlparse(u).hostname != '127.0.0.1'})
            check(f'all {len(urls)} requests stay on 127.0.0.1', not outside, outside)
        finally:
            driver.quit(); srv.shutdown()
    return summary(results, shots)

def summary(results:list, shots:Path)->int:
    failed = results.count(False)
    print(f'screenshots: {shots}')
    print(f'{len(results) - failed} passed, {failed} failed')
    return failed

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--shots', type=Path, help='folder for screenshots (default: a new temporary one)')
    p.add_argument('--nbs', type=Path, default=ROOT/'nbs', help='notebooks to build the site from')
    p.add_argument('--site', type=Path, help='test this site, built before from --nbs (`_docs`, or a copy with a defect put in), without building one')
    a = p.parse_args()
    shots = a.shots or Path(tempfile.mkdtemp(prefix='site-shots-'))
    shots.mkdir(parents=True, exist_ok=True)
    sys.exit(1 if main(shots, a.nbs, a.site) else 0)
