# Sphinx settings of the offline docs site (docs/build.py hands Sphinx notebooks nbdev already processed)
import configparser
from pathlib import Path

_cfg = configparser.ConfigParser()
_cfg.read(Path(__file__).resolve().parents[1]/'settings.ini')
_s = _cfg['DEFAULT']

project = _s['lib_name']
copyright = _s['copyright']
release = _s['version']
html_title = f"{_s['lib_name']}"

extensions = ['myst_nb']
nb_execution_mode = 'off'          # the notebooks' saved outputs are the docs: nothing runs again
nb_render_markdown_format = 'myst'  # markdown outputs may hold tables and HTML
myst_enable_extensions = ['colon_fence', 'dollarmath']
suppress_warnings = ['myst.header']  # notebooks may start a section at ### (show_doc entries)

html_theme = 'furo'
html_static_path = ['_static']
html_css_files = ['site.css']
html_copy_source = False            # no `_sources/`: the notebooks are in the repository
html_show_sourcelink = False
html_theme_options = {'top_of_page_buttons': []}  # its view/edit buttons would name pages, not the notebooks
