"""The Chinese (Simplified) page: every page string, keyed by its English text, in one catalog.

Task, engine, view and page modules write English only; their Chinese is here, one module per part
of the app (`page`, `tasks`, `classify`, `views`, `files`), as gettext keeps one catalog per locale.
Templates keep their "{name}" fields; the app fills them after the lookup. Model names, file names
and numbers stay as they are. An English text that changes needs its key changed here too:
`tests/test_language_page.py` and `tests/test_chinese.py` read the Chinese page for English left over.
"""

from demo.i18n.zh_cn import classify, files, page, tasks, views

LOCALE = "zh-CN"
NAME = "中文"
ALIASES = ("zh", "zh-Hans", "zh-SG")

TEXTS = page.TEXTS | tasks.TEXTS | classify.TEXTS | views.TEXTS | files.TEXTS
