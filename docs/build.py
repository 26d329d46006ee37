"""Build the docs site from the notebooks without Quarto and without a network: `python docs/build.py`.

Three steps:
1. nbdev's own processing (`proc_nbs`) writes `_proc/`: hidden and export cells removed, `show_doc`
   cells run and rendered, doc links added. This is what `nbdev_docs` hands to Quarto. The build stops if
   this starts Ray (nbdev runs every cell that imports something), or if a notebook is in no group of SIDEBAR.
2. `_proc/`'s Quarto-only markup is turned into plain notebooks Sphinx reads: the title cell becomes a
   heading, `#|` directives become cell tags, `show_doc` output becomes markdown cells (so the API
   sections are real page sections; their signatures plain code, their names escaped), links to the
   online site become relative, altair charts become static SVG (vl-convert, no vega JavaScript and no CDN; PNG where the
   SVG would pass SVG_MAX bytes, a mark per cell of a heatmap), their text at least CHART_FONT px in the column (the build stops on
   a chart whose text is smaller),
   a reference page names its module under its title, inline code naming a notebook (`22_results`) links to its page.
3. Sphinx + myst-nb (theme furo, settings in docs/conf.py) renders the site into `_docs/` from the
   saved outputs; no notebook is executed again.
Then `nbs/images/` is copied beside the pages, and the attention explorer (`images/explorer.html`, which
`attention_explorer.html` embeds) is drawn again from the shipped results, `results/<task>`.
"""
import argparse, base64, dataclasses, importlib, inspect, json, os, re, shutil, sys, tempfile
from pathlib import Path

import nbformat
from docutils.nodes import make_id
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.frontmatter import _nbpath2html
from nbdev.showdoc import show_doc

ROOT = Path(__file__).resolve().parents[1]
DOCS = Path(__file__).resolve().parent

def notebooks(nbs:Path)->list:
    "The notebooks nbdev publishes, in reading order (names starting with `_` are skipped)."
    return sorted(nbglob(nbs, func=Path), key=lambda p: str(p.relative_to(nbs)))

TASKS = ('unordered', 'ordered')  # the study's results folders, `results/<task>`

# The sidebar: its groups, in order, and the notebooks (their names without `.ipynb`) of each, in order.
# Every published notebook but `index` (the home page) must be in one group: the build stops on one that isn't,
# so a new page can't go missing from the sidebar. A name with no notebook is skipped.
SIDEBAR = (
    ('The study', ('20_exploring_attention', '21_positional_encoding', '22_results', '23_length_generalization',
                   '24_attention_explorer', '25_fleuret_recipe')),
    ('Using attnseq', ('31_running', '01_data', '02_models', '32_your_own_model', '03_learner', '12_runner', '13_cli', '15_study', '10_engines')),
    ('Analysis', ('06_folder', '07_shares', '08_report', '17_compare', '11_explorer', '14_verify', '16_length')),
    ('Internals', ('30_development', '00_checks', '00a_files', '09_jobs', '04_stacked', '05_graphs')),
)

def sidebar_groups(nbs:Path, names:list, sidebar=SIDEBAR)->list:
    "`sidebar`'s groups as [(caption, [notebook name, ...])], only the notebooks in `names`; stops the build on one in no group."
    placed = {n for _, group in sidebar for n in group}
    if lost := sorted(n for n in names if n != 'index' and n not in placed):
        sys.exit(f"{', '.join(f'{nbs}/{n}.ipynb' for n in lost)}: in no group of the sidebar. Add "
                 f"{'it' if len(lost) == 1 else 'each'} to SIDEBAR in docs/build.py, or the page would be missing from the site's navigation.")
    return [(caption, [n for n in group if n in names]) for caption, group in sidebar if any(n in names for n in group)]

def page_name(rel:Path, fm:dict|None=None)->Path:
    "The page of notebook `rel` (relative to nbs/), without `.html`: nbdev's name (`00_data.ipynb` -> `data`), so doc links resolve."
    page = Path((fm or {}).get('output-file') or _nbpath2html(rel).name).with_suffix('')
    return rel.parent/page if page.parent == Path('.') else page

def site_pages(nbs:Path, out:Path)->dict:
    "{notebook: its page in the site folder `out`}, as `build` writes them."
    return {p: out/page_name(p.relative_to(nbs)).with_suffix('.html') for p in notebooks(nbs)}

def default_exp(path:Path)->str|None:
    "The module a notebook exports to (its `#| default_exp`), or None."
    for c in nbformat.read(path, as_version=4).cells:
        if c.cell_type == 'code' and (m := re.match(r'#\|\s*default_exp\s+(\S+)', c.source)): return m[1]

def frontmatter(cell)->dict:
    "The YAML of nbdev's title cell (`---\\ntitle: ...\\n---`)."
    import yaml
    return yaml.safe_load(cell.source.strip().strip('-')) or {}

# `#| key: value` lines at the top of a code cell; Quarto reads them, Sphinx would print them
DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*:?\s*(.*)$')

def split_directives(source:str)->tuple:
    lines, opts = source.splitlines(), {}
    while lines and (m := DIRECTIVE.match(lines[0])):
        opts[m[1]] = m[2].strip().lower()
        lines.pop(0)
    return opts, '\n'.join(lines)

def local_links(md:str, site_url:str)->str:
    "Point links to the online site (nbdev's doc links) at the local pages."
    # as HTML links: Sphinx would try to resolve a markdown link to `data.html` as a document name
    site = re.escape(site_url.rstrip('/') + '/')
    md = re.sub(r'(\]\([^)\s]*\))\{[^}]*\}', r'\1', md)  # Quarto's link attributes: `[a](url){target="_blank"}`
    md = re.sub(rf'\[([^\]]+)\]\({site}([^)\s]*)\)', r'<a href="\2">\1</a>', md)
    # and links to a page of the site by its name (`[data](data.html)`, as Quarto takes them)
    return re.sub(r'\[([^\]]+)\]\(([\w-]+\.html(?:#[^)\s]*)?)\)', lambda m: f'<a href="{m[2]}">{markdown_code(m[1])}</a>', md)

def markdown_code(text:str)->str:
    "Inline code of a link's text (`` `data` ``) as HTML, since markdown inside an HTML tag is not read."
    return re.sub(r'`([^`]+)`', r'<code>\1</code>', text)

# a doc link nbdev adds (`[`TensorDL`](https://.../data.html#tensordl)`, or to a page by its name)
DOC_LINK = re.compile(r'\[([^\]\n]+)\]\((?:https?://[^)\s]+|[\w/.-]+\.html(?:#[^)\s]*)?)\)')
# a type of the module itself, as nbdev shows it: it runs the notebook's cells in `__main__`
MAIN_PREFIX = re.compile(r'(?<![\w.])__main__\.(?=[A-Za-z_])')

def signature_md(code:str)->str:
    "A `show_doc` signature as a code block: its doc links as their plain text (a code block shows markdown as it is)."
    return ('```{code-block} python\n:class: signature\n\n' + DOC_LINK.sub(r'\1', code).rstrip('\n') + '\n```\n')

def heading_md(level:str, name:str)->str:
    "The heading of a `show_doc` entry, its name escaped: `__repr__` is not markdown's bold."
    # the anchor nbdev's doc links use (`#normalization.from_data`), where the heading's own id is another;
    # the same id twice would make Sphinx's search summary of that section empty (a TypeError in searchtools.js)
    anchor = '' if name.lower() == make_id(name) else f'<span id="{name.lower()}"></span>\n\n'
    return anchor + f"{level} " + re.sub(r'([\\`*_\[\]<>])', r'\\\1', name)

def show_doc_md(md:str, site_url:str)->str:
    "nbdev's `show_doc` markdown, without its Quarto-only attributes, with its anchor kept."
    md = re.sub(r'^\s*---\s*\n', '', md)  # the rule above each entry: furo separates sections itself
    md = MAIN_PREFIX.sub('', md)  # `__main__.ToySequences | None`: the library's `ToySequences`
    # [source](url){target="_blank" style="float:right..."}: a plain link, floated by docs/_static/site.css
    md = re.sub(r'\[source\]\(([^)]+)\)\{[^}]*\}', r'<a class="sourcelink" href="\1">source</a>', md)
    md = re.sub(r'^```python\n(.*?)^```[ \t]*$\n?', lambda m: signature_md(m[1]), md, flags=re.M | re.S)
    md = local_links(md, site_url)
    return re.sub(r'^(#+) (\S+)\s*$', lambda m: heading_md(m[1], m[2]), md, count=1, flags=re.M)

def dataclass_doc(md:str, module:str|None, lib:str)->str:
    "`show_doc`'s markdown of a dataclass redone from the library's class, whose source has the fields' comments."
    # nbdev runs the notebook's cells in `__main__`, where a class has no source file: its fields would show no docs
    if not module or not (m := re.search(r'^#+ (\w+)\s*$', md, flags=re.M)): return md
    obj = getattr(importlib.import_module(f'{lib}.{module}'), m[1], None)
    if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)): return md
    md = show_doc(obj, title_level=len(m[0]) - len(m[0].lstrip('#')))._repr_markdown_()
    # nbdev finds no line for a dataclass (its `__init__` is generated): the class's own
    return md.replace('#LNone)', f'#L{inspect.getsourcelines(obj)[1]})')

# chart text (vega's defaults: 10 px labels, 11 px titles) at least CHART_FONT px on the page, the size `legible` gives a
# chart in a notebook: a chart's own settings still win
from attnseq.report import CHART_TEXT as CHART_FONT
CHART_CONFIG = {'axis': {'labelFontSize': CHART_FONT, 'titleFontSize': CHART_FONT + 1},
                'legend': {'labelFontSize': CHART_FONT, 'titleFontSize': CHART_FONT + 1},
                'header': {'labelFontSize': CHART_FONT, 'titleFontSize': CHART_FONT + 1},
                'title': {'fontSize': CHART_FONT + 3}, 'text': {'fontSize': CHART_FONT}}
COLUMN = 740  # px: the width of furo's text column at its widest (a wider chart is shown shrunk to it, its text with it)
SVG_MAX = 300_000  # bytes: a chart whose SVG is larger (a mark per cell of a 100 x 100 map) is shown as a PNG

def merged(defaults:dict, own:dict)->dict:
    "`defaults` with `own`'s settings over them, nested dicts merged."
    out = dict(defaults)
    for k, v in own.items(): out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out

def svg_font_px(svg:str)->tuple:
    "The smallest text size of a vega SVG (px), and its width (px): the text's size on the page is the first times column/width, if wider."
    sizes = [float(f) for f in re.findall(r'font-size="([\d.]+)px"', svg)]
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg)[1])
    return (min(sizes) if sizes else None), width

def chart_svg(data:dict, png_over:int|None=None):
    """An altair/vega chart in a saved output rendered offline, its text at least CHART_FONT px: its SVG, or `None` if there is none.
    With `png_over`, a chart whose SVG is larger than that many bytes comes back as PNG bytes instead, drawn at its SVG's size."""
    import vl_convert as vlc
    for mime, spec in data.items():
        if re.fullmatch(r'application/vnd\.vegalite\.v\d+\+json', mime):
            # the Vega-Lite the chart was written for (its `$schema`, `.../v6.4.1.json`), or the nearest vl-convert has
            major, minor = map(int, re.search(r'/v(\d+)\.(\d+)', spec.get('$schema', '/v5.0')).groups())
            have = [tuple(map(int, v.split('.'))) for v in vlc.get_vegalite_versions()]
            same = [v for v in have if v[0] == major] or have
            version = '.'.join(map(str, max((v for v in same if v <= (major, minor)), default=min(same))))
            spec = {**spec, 'config': merged(CHART_CONFIG, spec.get('config', {}))}
            svg, png = vlc.vegalite_to_svg(spec, vl_version=version), lambda: vlc.vegalite_to_png(spec, vl_version=version)
        elif re.fullmatch(r'application/vnd\.vega\.v\d+\+json', mime):  # vega's own spec: its config, under `config`, too
            spec = {**spec, 'config': merged(CHART_CONFIG, spec.get('config', {}))}
            svg, png = vlc.vega_to_svg(spec), lambda: vlc.vega_to_png(spec)
        else: continue
        font, width = svg_font_px(svg)
        if font is not None and font * min(1, COLUMN / width) < CHART_FONT:  # its own settings, or its width, shrink its text
            sys.exit(f'A chart draws text of {font:g} px, {width:g} px wide: {font * min(1, COLUMN / width):.1f} px in the {COLUMN} px '
                     f'column, under {CHART_FONT} px. Make it narrower or its text larger. Its title: {spec.get("title")!r}')
        return png() if png_over is not None and len(svg.encode()) > png_over else svg

def embedded_chart(html:str)->dict:
    "The chart in altair's HTML output (the spec its `vegaEmbed` script draws from a CDN) as a chart mime bundle; {} if none."
    if 'vegaEmbed' not in html: return {}
    # altair's templates: `(function(spec, embedOpt){...})({spec}, {embedOpt});` or `var spec = {spec};`
    m = re.search(r'\}\)\(\s*(?=\{)|\bvar\s+spec\s*=\s*(?=\{)', html)
    if not m: return {}
    dec = json.JSONDecoder()
    spec, end = dec.raw_decode(html, m.end())
    opt = re.match(r'\s*,\s*(\{[^{}]*\})', html[end:]) or re.search(r'\bvar\s+embedOpt\s*=\s*(\{[^{}]*\})', html)
    mode = json.loads(opt[1]).get('mode', 'vega-lite') if opt else 'vega-lite'
    if mode == 'vega': return {'application/vnd.vega.v5+json': spec}
    major = re.search(r'/v(\d+)', spec.get('$schema', '/v5'))[1]
    return {f'application/vnd.vegalite.v{major}+json': spec}

LONG_CELL = 40  # characters from which a table cell is prose

def dataframe_html(html)->str:
    "A pandas table as the site's markdown tables read: no second header row for the index's name (it goes in the corner), no NaN cells, no inline style."
    html = ''.join(html) if isinstance(html, list) else html
    html = re.sub(r'<style scoped>.*?</style>', '', html, flags=re.S)
    def head(m):
        rows = re.findall(r'<tr[^>]*>.*?</tr>', m[1], flags=re.S)
        cells = [re.findall(r'<th[^>]*>(.*?)</th>', r, flags=re.S) for r in rows]
        if len(rows) == 2 and cells[1] and not any(c.strip() for c in cells[1][1:]) and not cells[0][0].strip():
            rows = [re.sub(r'<th[^>]*>\s*</th>', f'<th>{cells[1][0]}</th>', rows[0], count=1)]  # the index's name, in the corner
        return '<thead>' + ''.join(rows) + '</thead>'
    html = re.sub(r'<thead>(.*?)</thead>', head, html, count=1, flags=re.S)
    html = re.sub(r'<td>\s*(NaN|nan|None|<NA>)\s*</td>', '<td></td>', html)
    # a cell of prose (a reason, a path) wraps in a column of its own width, not one word wide: see docs/_static/site.css
    return re.sub(r'<td>([^<]{%d,})</td>' % LONG_CELL, r'<td><div class="long-text">\1</div></td>', html)

def clean_output(out):
    "Keep what renders offline: charts become SVG, HTML that loads scripts (a chart's CDN loader) goes."
    if 'data' not in out: return out
    data = dict(out.data)
    # a chart saved as HTML only (altair's html renderer): its spec sits in the script that would load vega from a CDN
    html = data.get('text/html', '')
    html = ''.join(html) if isinstance(html, list) else html
    # fastprogress's bars, live while a cell trains: nothing to read on a page (the runs' lines on stdout stay)
    plain = ''.join(data.get('text/plain', ''))
    if re.search(r'<progress|^\s*<div>\s*</div>\s*$', html) or ('text/html' in data and not html.strip()
                                                               and plain == '<IPython.core.display.HTML object>'):
        return None
    if (svg := chart_svg(data, SVG_MAX)) is None and (chart := embedded_chart(html)): svg = chart_svg(chart, SVG_MAX)
    if isinstance(svg, bytes): data = {'image/png': base64.b64encode(svg).decode()}  # too large as SVG
    elif svg is not None: data = {'image/svg+xml': svg}
    data = {k: v for k, v in data.items() if not k.startswith(('application/vnd.', 'application/javascript'))}
    if '<script' in data.get('text/html', ''): data.pop('text/html')
    if 'class="dataframe"' in data.get('text/html', ''): data['text/html'] = dataframe_html(data['text/html'])
    if 'text/markdown' in data:  # a table's "0.0668 ± 6e-05" and "0.0025 to 0.0064" stay on one line: the table scrolls in its box
        md = data['text/markdown']
        md = ''.join(md) if isinstance(md, list) else md
        data['text/markdown'] = re.sub(r'(?m)^\|.*$', lambda m: re.sub(r'(?<=\d) (±|to) (?=\d)', '\u00a0\\1\u00a0', m[0]), md)
    out.data = data
    return out if data else None

# a notebook named in inline code: `22_results`, `22_results.ipynb`, `nbs/22_results.ipynb` (not a link's text)
NB_NAME = re.compile(r'(?<![\[\w`])`(?:nbs/)?(\w+?)(?:\.ipynb)?`(?![\]`])')

def notebook_links(md:str, links:dict)->str:
    "Inline code naming a notebook of the site as a link to its page, its title as the link's title; code blocks stay as they are."
    import html
    def link(m):
        if m[1] not in links or m[1] == 'index' and '.ipynb' not in m[0]: return m[0]  # `index` alone: a pandas index, say
        href, title = links[m[1]]
        return f'<a class="notebook" href="{href}" title="{html.escape(title)}"><code>{html.escape(m[0][1:-1])}</code></a>'
    parts = re.split(r'(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$)', md, flags=re.M | re.S)  # fenced blocks: odd parts
    return ''.join(p if i % 2 else NB_NAME.sub(link, p) for i, p in enumerate(parts))

def module_md(module:str, lib:str)->str:
    "The line under a reference page's title naming the module its notebook writes."
    return (f"```{{rst-class}} module\n```\n\nModule: `{lib}.{module}` "
            f"(written from this notebook by `nbdev_export`)")

def convert(nb, title_fallback:str, site_url:str, module:str|None=None, links:dict|None=None, lib:str='attnseq'):
    "A `_proc/` notebook (Quarto's input) turned into one myst-nb renders the same way."
    cells, links = [], links or {}
    for cell in nb.cells:
        if cell.cell_type == 'raw' and cell.source.lstrip().startswith('---'):
            fm = frontmatter(cell)  # title cell: `# Title` and the summary, as Quarto shows them
            md = f"# {fm.get('title', title_fallback)}"
            if fm.get('description'): md += f"\n\n```{{rst-class}} description\n```\n\n{fm['description']}"
            if module: md += '\n\n' + module_md(module, lib)
            cells.append(nbformat.v4.new_markdown_cell(md))
            continue
        if cell.cell_type == 'markdown':
            if cell.source.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            cell.source = notebook_links(local_links(cell.source, site_url), links)
            cells.append(cell)
            continue
        if cell.cell_type != 'code': continue
        opts, cell.source = split_directives(cell.source)
        if opts.get('output') == 'asis':  # show_doc: its markdown output becomes part of the page
            for out in cell.get('outputs', []):
                if md := out.get('data', {}).get('text/markdown'):
                    md = show_doc_md(dataclass_doc(md, module, lib), site_url)
                    cells.append(nbformat.v4.new_markdown_cell(notebook_links(md, links)))
            continue
        tags = set(cell.metadata.get('tags', []))
        if opts.get('echo') == 'false': tags.add('remove-input')
        if opts.get('output') == 'false': tags.add('remove-output')
        if opts.get('include') == 'false': continue
        cell.metadata = {'tags': sorted(tags)} if tags else {}
        cell.outputs = [o for o in map(clean_output, cell.get('outputs', [])) if o is not None]
        for o in cell.outputs:  # prose a cell computes (`Markdown(f"...")`) links to the notebooks it names as well
            if isinstance(md := o.get('data', {}).get('text/markdown'), str): o.data['text/markdown'] = notebook_links(md, links)
        if cell.source.strip() or cell.outputs: cells.append(cell)
    nb.cells = cells
    return nb

def build(nbs:Path=None, out:Path=None, quiet:bool=True, sidebar=SIDEBAR)->dict:
    "Process the notebooks in `nbs` with nbdev, render them with Sphinx into `out`: {notebook: its page}."
    nbs, out = [Path(p).resolve() if p else None for p in (nbs, out)]
    os.chdir(ROOT)  # nbdev reads settings.ini from the working directory
    cfg = get_config()
    nbs, out = nbs or cfg.nbs_path, out or cfg.doc_path
    groups = sidebar_groups(nbs, [str(p.relative_to(nbs).with_suffix('')) for p in notebooks(nbs)], sidebar)  # before the slow part
    from nbdev.serve import proc_nbs
    # nbdev runs every cell that imports something: none may start Ray. Ray keeps its sessions under RAY_TMPDIR,
    # here a folder of the build's own (the processing runs in child processes, which inherit it), empty unless one started.
    ray_tmp, ray_env = Path(tempfile.mkdtemp(prefix='docs-ray-')), os.environ.get('RAY_TMPDIR')
    os.environ['RAY_TMPDIR'] = str(ray_tmp)
    try: proc = proc_nbs(str(nbs), n_workers=2)  # cached: only notebooks changed since the last build run again
    except Exception as e:  # nbdev_docs stops here too
        sys.exit(f"nbdev's processing failed. {e}\nnbdev runs each cell that imports something, with the exported "
                 "and show_doc cells, to render the docs: keep imports in cells of their own.")
    finally:
        if ray_env is None: os.environ.pop('RAY_TMPDIR')
        else: os.environ['RAY_TMPDIR'] = ray_env
        sessions = sorted(p.name for p in ray_tmp.glob('**/session_*') if p.name != 'session_latest')
        shutil.rmtree(ray_tmp, ignore_errors=True)
    if sessions:
        sys.exit(f"Building the docs started Ray ({', '.join(sessions)}): nbdev runs every cell that imports something, "
                 "with the exported and show_doc cells, so a cell that starts Ray must not import anything (`import ray` "
                 "in a cell of its own, `ray.init(...)` in another).")
    site_url = cfg.doc_host + cfg.doc_baseurl
    with tempfile.TemporaryDirectory() as tmp:
        src, pages, procd = Path(tmp)/'src', {}, {}
        src.mkdir()
        for path in notebooks(nbs):
            rel = path.relative_to(nbs)
            nb = nbformat.read(proc/rel, as_version=4)
            fm = next((frontmatter(c) for c in nb.cells if c.cell_type == 'raw'), {})
            procd[path], pages[path] = (nb, fm), out/page_name(rel, fm).with_suffix('.html')
        # inline code naming a notebook (`22_results`) links to its page: {name: (href, title)}, hrefs from the site's root
        titles = {p.relative_to(nbs).with_suffix('').as_posix(): (pages[p].relative_to(out).as_posix(), fm.get('title', p.stem))
                  for p, (_, fm) in procd.items()}
        for path, (nb, fm) in procd.items():
            page = pages[path].relative_to(out).with_suffix('')
            up = '../' * (len(page.parts) - 1)
            links = {n: (up + href, t) for n, (href, t) in titles.items()}
            links.update({Path(n).name: v for n, v in links.items()})  # `22_results` for a notebook in a subfolder too
            nbformat.write(convert(nb, path.stem, site_url, default_exp(path), links, cfg.lib_name), src/page.with_suffix('.ipynb'))
        if (nbs/'images').is_dir(): shutil.copytree(nbs/'images', src/'images')  # figures the pages' markdown links to
        home = src/'index.ipynb'
        if not home.exists(): sys.exit(f'{nbs} has no index.ipynb for the home page')
        nb = nbformat.read(home, as_version=4)  # the sidebar: SIDEBAR's groups, each page in its group's order
        by_name = {p.relative_to(nbs).with_suffix('').as_posix(): p for p in pages}
        for caption, names in groups:
            docs = [pages[by_name[n]].relative_to(out).with_suffix('').as_posix() for n in names]
            nb.cells.append(nbformat.v4.new_markdown_cell(f'```{{toctree}}\n:hidden:\n:caption: {caption}\n\n' + '\n'.join(docs) + '\n```'))
        nbformat.write(nb, home)
        from sphinx.cmd.build import build_main
        # built in `tmp`, then moved: myst-nb writes its image files beside the output folder
        html = Path(tmp)/'html'
        args = ['-b', 'html', '-c', str(DOCS), '-d', str(Path(tmp)/'doctrees'), '-W', '--keep-going']
        if quiet: args.append('-q')
        if build_main(args + [str(src), str(html)]): sys.exit('Sphinx failed: see its messages above')
        if out.exists(): shutil.rmtree(out)
        shutil.copytree(html, out, ignore=shutil.ignore_patterns('_sources', '.buildinfo'))
        # Sphinx copies only the images it renders; a page embeds others (`images/explorer.html` in an iframe)
        if (nbs/'images').is_dir(): shutil.copytree(nbs/'images', out/'images', dirs_exist_ok=True)
        # the attention explorer (iframe of `attention_explorer.html`) drawn from the shipped results, never a stale copy:
        # `nbs/images/explorer.html`, which that notebook writes, is git-ignored (a few MB that change whenever runs land)
        if all((ROOT/'results'/t/'config.json').exists() for t in TASKS):
            from attnseq.explorer import write_explorer
            write_explorer({t: ROOT/'results'/t for t in TASKS}, out/'images'/'explorer.html')
    print(f'docs site: {out}/index.html ({len(pages)} pages)')
    return pages

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--nbs', type=Path, help="notebooks folder (settings.ini's nbs_path)")
    p.add_argument('--out', type=Path, help="site folder (settings.ini's doc_path, `_docs`)")
    a = p.parse_args()
    build(a.nbs, a.out, quiet=False)
