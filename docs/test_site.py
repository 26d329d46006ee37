"""Build the docs site and read every page in headless Chromium: `python docs/test_site.py [--shots DIR]`.

The site is built (docs/build.py) from a copy of nbs/ plus one extra page holding a saved matplotlib
figure and an altair chart, so figures and charts are checked even before any notebook saves one.
It is served on 127.0.0.1 by a server started here. Each page must render its title, an API section
for each name its module exports, every figure (no broken image) and no console error; a search must
find `generate_sequences`; and no request may go to any host but 127.0.0.1 (Chromium is also told to
resolve no other host, so nothing leaves the machine even on failure).
Ends with `N passed, N failed`; exits non-zero on any failure.
"""
import argparse, base64, functools, http.server, importlib, inspect, io, json, shutil, sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import urlparse

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import ROOT, build

CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'
CHECK_NB = 'zz_site_check.ipynb'  # sorts last, and its name has no `_`, so nbdev publishes it

def check_notebook()->nbformat.NotebookNode:
    "A page with a saved matplotlib PNG and an altair chart, as Jupyter saves them."
    import altair as alt, matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 2)); ax.plot([0, 1, 0, 2]); buf = io.BytesIO()
    fig.savefig(buf, format='png'); plt.close(fig)
    png = nbformat.v4.new_output('display_data', {'image/png': base64.b64encode(buf.getvalue()).decode(), 'text/plain': '<Figure>'})
    chart = alt.Chart(alt.Data(values=[{'x': i, 'y': i*i} for i in range(5)])).mark_line().encode(x='x:Q', y='y:Q')
    major = alt.SCHEMA_VERSION.split('.')[0]  # 'v6': altair 6 saves application/vnd.vegalite.v6+json
    bundle = {f'application/vnd.vegalite.{major}+json': chart.to_dict(), 'text/plain': 'alt.Chart(...)',
              # a CDN loader, as altair's HTML renderer saves one: the build must drop it
              'text/html': '<div id="vis"></div><script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'}
    cells = [nbformat.v4.new_markdown_cell('# Site check\n\n> A figure and a chart, as saved outputs'),
             nbformat.v4.new_code_cell('plt.plot(...)', outputs=[png]),
             nbformat.v4.new_code_cell('chart', outputs=[nbformat.v4.new_output('execute_result', bundle, execution_count=1)])]
    return nbformat.v4.new_notebook(cells=cells, metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}})

def expected(nb_path:Path)->dict:
    "What a notebook's page must show: its exported functions' and classes' API sections, its saved figures."
    nb, names = nbformat.read(nb_path, as_version=4), []
    for c in nb.cells:
        if c.cell_type == 'code' and c.source.startswith('#| default_exp'):
            mod = importlib.import_module(f'attnseq.{c.source.split()[2]}')
            # nbdev documents each exported function and class (constants get no `show_doc`)
            names = [n for n in getattr(mod, '__all__', [])
                     if inspect.isfunction(getattr(mod, n)) or inspect.isclass(getattr(mod, n))]
    figs = sum(any(k.startswith(('image/', 'application/vnd.vega')) for k in o.get('data', {}))
               for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []))
    return {'names': names, 'figures': figs}

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
const imgs = [...document.querySelectorAll('article img')];
return {title: document.querySelector('article h1')?.textContent ?? '',
        headings: [...document.querySelectorAll('article h1, article h2, article h3, article h4')]
                  .map(h => h.textContent.replace(/[#¶]/g, '').trim()),
        ids: [...document.querySelectorAll('[id]')].map(e => e.id),
        links: [...document.querySelectorAll('article a[href]')].map(a => a.href)
               .filter(h => h.startsWith(location.origin) && h.includes('#')),
        images: imgs.length, broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)};
"""

def main(shots:Path, src:Path):
    results = []
    def check(name, ok, detail=''):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + str(detail)}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nbs = tmp/'nbs'
        shutil.copytree(src, nbs, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
        nbformat.write(check_notebook(), nbs/CHECK_NB)
        t0 = time.time()
        try: pages = build(nbs, tmp/'site')
        except (Exception, SystemExit) as e: pages = e
        finally: (ROOT/'_proc'/CHECK_NB).unlink(missing_ok=True)  # keep nbdev's cache to the real notebooks
        check(f'the site builds ({time.time()-t0:.1f}s)', isinstance(pages, dict), pages)
        if not isinstance(pages, dict): return summary(results, shots)
        site = tmp/'site'
        check('every notebook has a page', all(p.exists() for p in pages.values()), pages)
        pages = {p.relative_to(site).as_posix(): expected(nb) for nb, p in pages.items()}
        srv, driver = serve(site), browser(tmp/'profile')
        base, urls, ids, links = f'http://127.0.0.1:{srv.server_address[1]}/', [], {}, []
        try:
            for html, want in pages.items():
                driver.get(base + html)
                got = driver.execute_script(PAGE_JS)
                urls += requests_made(driver)
                ids[base + html], links = set(got['ids']), links + got['links']
                driver.save_screenshot(str(shots/html.replace('/', '-').replace('.html', '.png')))
                check(f'{html} renders its title', bool(got['title'].strip()), got['title'])
                missing = [n for n in want['names'] if n not in got['headings']]
                check(f"{html} has API sections for its {len(want['names'])} exported names", not missing, missing)
                check(f"{html} shows its {want['figures']} figures", got['images'] >= want['figures'] and not got['broken'],
                      f"{got['images']} images, broken: {got['broken']}")
                errors = [e['message'] for e in driver.get_log('browser')  # (no favicon: Chromium asks for one)
                          if e['level'] == 'SEVERE' and '/favicon.ico' not in e['message']]
                check(f'{html} has no console errors', not errors, errors)
            # nbdev's doc links (`data.html#generate_sequences`) land on a section of a page of the site
            dead = sorted({l for l in links if l.split('#')[1] not in ids.get(l.split('#')[0], ())})
            check(f'all {len(links)} links to sections of the site resolve', not dead, dead)
            driver.get(base + 'search.html?q=generate_sequences')
            found = []
            for _ in range(50):  # the search runs in the page's JavaScript after load
                found = driver.execute_script("return [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
                if found: break
                time.sleep(0.1)
            driver.save_screenshot(str(shots/'search.png'))
            check('search finds generate_sequences on the data page', any('data.html' in u for u in found), found)
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
    a = p.parse_args()
    shots = a.shots or Path(tempfile.mkdtemp(prefix='site-shots-'))
    shots.mkdir(parents=True, exist_ok=True)
    sys.exit(1 if main(shots, a.nbs) else 0)
